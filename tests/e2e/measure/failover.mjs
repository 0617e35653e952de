// Measures failover in the page, for docs/benchmarks.md "Failover": `KILLS` times (10), a
// `pgt-player` session naming two of three `pgt-worker`s (CPU renderer) on a `pgt-node --dev`,
// its page in headless Chromium; once the backup follows the game, after a random 0–2 s the host
// is killed with SIGKILL. The gap between the last frame drawn from the host and the first frame
// drawn from the backup is read from the page (`window.pgt.gaps`); the killed worker is started
// again (same key and store) before the next session. Prints one JSON line per kill, then the
// median, p95 and largest gap.
//
// Run: scripts/measure-failover   (or: cd tests/e2e && node measure/failover.mjs).
import { startDevChain, tempDir, waitFor } from '../lib/node.mjs';
import { startWorker, startPlayer, metric } from '../lib/procs.mjs';
import { openPage } from '../lib/browser.mjs';

const KILLS = Number(process.env.KILLS ?? 10);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const percentile = (xs, q) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]; };

const { node, api } = await startDevChain('measure-failover');
const dir = tempDir('measure-failover');
const names = ['Bob', 'Charlie', 'Dave'];
const workers = await Promise.all(names.map((n) => startWorker(node, n, dir)));
const gaps = [];
const failures = [];
try {
  for (let i = 0; i < KILLS; i++) {
    const player = await startPlayer(node, '//Alice', dir, ['--candidates', '2']);
    const host = await waitFor('a host', async () => workers.find((w) => w.log().includes(`accepted session=${player.session} `)));
    const backup = await waitFor('a backup', async () => workers.find((w) => w.log().includes(`backing session=${player.session} `)));
    const page = await openPage(player.url);
    await waitFor('frames', async () => (await page.evaluate('window.pgt.frames')) >= 30, { timeoutMs: 60_000 });
    const ticks0 = await metric(backup.metricsUrl, 'pgt_worker_lockstep_ticks_total') ?? 0;
    await waitFor('the backup in lockstep', async () => ((await metric(backup.metricsUrl, 'pgt_worker_lockstep_ticks_total') ?? 0) - ticks0) > 60, { timeoutMs: 30_000 });
    const wait = Math.round(Math.random() * 2000);
    await sleep(wait);
    host.proc.kill('SIGKILL');
    await host.exit;
    const took = await waitFor('the backup\'s frames', async () => (await page.evaluate('window.pgt.gaps.length')) >= 1, { timeoutMs: 20_000 }).catch((e) => e);
    if (took instanceof Error) {
      // Counted, not hidden: a kill the session did not survive.
      failures.push({ kill: i + 1, session: player.session, error: took.message, player: player.tail(10) });
      console.log(JSON.stringify(failures.at(-1)));
    } else {
      const [gap] = await page.evaluate('window.pgt.gaps');
      const row = { kill: i + 1, session: player.session, host: host.name, backup: backup.name, after_ms: wait, gap_ms: Number(gap.ms.toFixed(1)), from_tick: gap.fromTick, to_tick: gap.toTick };
      console.log(JSON.stringify(row));
      gaps.push(gap.ms);
    }
    await sleep(2000);
    await page.close();
    await player.exit;
    // The killed worker comes back with its key and store, for the next session.
    const j = workers.indexOf(host);
    workers[j] = await startWorker(node, host.name, dir);
  }
  console.log(JSON.stringify({ kills: KILLS, survived: gaps.length, failed: failures.length, p50_ms: Number(percentile(gaps, 0.5).toFixed(1)), p95_ms: Number(percentile(gaps, 0.95).toFixed(1)), max_ms: Number(Math.max(...gaps).toFixed(1)) }));
} finally {
  await Promise.all(workers.map((w) => w.stop()));
  await api.disconnect();
  await node.stop();
}
