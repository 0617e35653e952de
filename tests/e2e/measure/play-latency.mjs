// Measures a played session in the page, for docs/benchmarks.md "Playing a session": for each
// frame size and encoding, a `pgt-player` session against one `pgt-worker` (CPU renderer) on a
// `pgt-node --dev`, its page in headless Chromium. After a warm-up it samples for `SECONDS`:
// render-done → drawn latency p50/p95 (what the page's overlay shows), frames drawn per second,
// and the host worker's CPU (user + system, in cores) and resident memory.
//
// Run: scripts/measure-play   (or: cd tests/e2e && node measure/play-latency.mjs). SIZES=640x360
// measures one size; the environment reaches the worker (RAYON_NUM_THREADS=1 keeps its renderer
// to one core).
import { readFileSync } from 'node:fs';
import { startDevChain, tempDir, waitFor } from '../lib/node.mjs';
import { startWorker, startPlayer } from '../lib/procs.mjs';
import { openPage } from '../lib/browser.mjs';

const SECONDS = Number(process.env.SECONDS_PER_CASE ?? 20);
const WARMUP = 5;
const ALL = [
  [320, 180, 'jpeg'], [320, 180, 'raw'], [640, 360, 'jpeg'], [640, 360, 'raw'],
];
// SIZES=640x360 (comma-separated) measures only those sizes.
const SIZES = process.env.SIZES?.split(',');
const CASES = ALL.filter(([w, h]) => !SIZES || SIZES.includes(`${w}x${h}`));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const TICKS = 100; // clock ticks per second (Linux USER_HZ)

function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS; // utime, stime
}
const rssMiB = (pid) => Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]) / 1024;

const { node, api } = await startDevChain('measure');
const dir = tempDir('measure');
const worker = await startWorker(node, 'Bob', dir);
const rows = [];
try {
  for (const [w, h, encoding] of CASES) {
    const player = await startPlayer(node, '//Alice', dir, ['--candidates', '1', '--width', String(w), '--height', String(h), '--encoding', encoding]);
    const page = await openPage(player.url);
    await waitFor('frames', async () => (await page.evaluate('window.pgt.frames')) > 10, { timeoutMs: 60_000 });
    await sleep(WARMUP * 1000);
    const f0 = await page.evaluate('window.pgt.frames');
    const c0 = cpuSeconds(worker.proc.pid);
    let rss = 0;
    for (let i = 0; i < SECONDS; i++) { await sleep(1000); rss = Math.max(rss, rssMiB(worker.proc.pid)); }
    const f1 = await page.evaluate('window.pgt.frames');
    const c1 = cpuSeconds(worker.proc.pid);
    // The overlay's latency percentiles: over the whole session, warm-up included.
    const stats = await page.evaluate('window.pgt.lastStats');
    await page.close();
    await player.exit;
    const row = { size: `${w}x${h}`, encoding, p50_ms: stats.p50_ms, p95_ms: stats.p95_ms, fps: (f1 - f0) / SECONDS, worker_cores: (c1 - c0) / SECONDS, worker_rss_mib: rss };
    console.log(JSON.stringify(row));
    rows.push(row);
  }
} finally {
  await worker.stop();
  await api.disconnect();
  await node.stop();
}
console.log('\n| frame | encoding | latency p50 | p95 | frames/s drawn | worker CPU (cores) | worker RSS |');
console.log('|---|---|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.size} | ${r.encoding} | ${r.p50_ms} ms | ${r.p95_ms} ms | ${r.fps.toFixed(1)} | ${r.worker_cores.toFixed(2)} | ${r.worker_rss_mib.toFixed(0)} MiB |`);
process.exit(0);
