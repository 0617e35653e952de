// Crash cycles for docs/benchmarks.md "Crash safety": `CYCLES` (20) headless sessions on a
// `pgt-node --dev` with 3-block verification windows and seven `pgt-worker`s hosting with one
// helper; in each, the host, the helper or the backup (in turn) is killed with SIGKILL at a random moment and started
// again after a random pause (tests/e2e/lib/crash.mjs, seeded by `CRASH_SEED`, 1). Every cycle
// checks that no receipt was lost and that pay is rate × billed / 3600 per share; at the end
// every window committed for the sessions must have been opened and judged honest. Prints one
// JSON line per cycle and a summary. Sessions last `SESSION_SECONDS` (60: long enough for a
// helper to commit a window of its strips before or after its crash).
//
// Run: scripts/crash-cycles   (or: cd tests/e2e && node measure/crash-cycles.mjs).
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { startDevChain, tempDir } from '../lib/node.mjs';
import { startWorker } from '../lib/procs.mjs';
import { WORKERS, crashCycles, checkCommitments, seededRandom } from '../lib/crash.mjs';

const CYCLES = Number(process.env.CYCLES ?? 20);
const SEED = Number(process.env.CRASH_SEED ?? 1);
const SESSION_SECONDS = Number(process.env.SESSION_SECONDS ?? 60);
// Archive state: the audits are checked from every cycle's events at the end, 40 minutes of
// blocks later (the default pruning keeps 256 blocks' state: 25 minutes).
const { node, api } = await startDevChain('crash-cycles', { genesis: { work: { windowLength: 3 } }, extraArgs: ['--state-pruning', 'archive'] });
const dir = tempDir('crash-cycles');
const workers = await Promise.all(WORKERS.map((n) => startWorker(node, n, dir, ['--helpers', '1'])));
let failed = false;
try {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519' });
  const started = Date.now();
  const { rows, commitments } = await crashCycles({ node, api, keyring, workers, dir, cycles: CYCLES, random: seededRandom(SEED), sessionSeconds: SESSION_SECONDS, log: (r) => console.log(JSON.stringify(r)) });
  const judged = await checkCommitments({ api, node, commitments });
  const verdicts = {};
  for (const c of judged) verdicts[c.verdict] = (verdicts[c.verdict] ?? 0) + 1;
  const paid = rows.reduce((s, r) => s + BigInt(r.paid), 0n);
  console.log(JSON.stringify({
    cycles: rows.length, seed: SEED, host_kills: rows.filter((r) => r.killed === 'host').length, failovers: rows.filter((r) => r.failover).length,
    helper_kills: rows.filter((r) => r.killed === 'helper').length, backup_kills: rows.filter((r) => r.killed === 'backup').length, commitments: judged.length, verdicts, paid_plancks: paid.toString(),
    helpers_paid: rows.reduce((n, r) => n + r.helpers.filter((h) => BigInt(h.tasks_paid) > 0n).length, 0), helper_tasks_paid: rows.reduce((n, r) => n + r.helpers.reduce((m, h) => m + BigInt(h.tasks_paid), 0n), 0n).toString(),
    receipts_lost: 0, minutes: Number(((Date.now() - started) / 60000).toFixed(1)),
  }));
  failed = judged.some((c) => c.verdict !== 'Honest');
} catch (e) {
  console.error(e);
  failed = true;
} finally {
  await Promise.all(workers.map((w) => w.stop()));
  await api.disconnect();
  await node.stop();
}
process.exit(failed ? 1 : 0);
