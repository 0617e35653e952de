// Measures what `--light` costs a worker, for docs/benchmarks.md "Light client": four validators
// of `--chain local` on loopback (as four-validators.test.mjs), then `RUNS` (5) starts of Eve's
// `pgt-worker run` in each mode, one mode after another, the worker stopped (SIGINT) between
// starts:
//   rpc         `--rpc` to Alice (believes the node);
//   light-file  `--light --chain-spec <raw spec>`: smoldot syncs from genesis;
//   light-sync  `--light --rpc <Charlie>`: smoldot starts from Charlie's sync_state_genSyncSpec.
// For each start: seconds from spawn to "connected" (the client has read and, on a light client,
// checked the genesis, the finalized block and the runtime's metadata: its first verified read),
// to "registered and online" (profile update and a heartbeat, each waited for until finalized),
// and the worker's peak resident memory (VmHWM) 10 s after registering. Then `RUNS` runs of
// `pgt-wallet balance --verify` and of the plain read. Prints one JSON line per run, then the
// medians.
//
// Run: scripts/measure-light   (or: cd tests/e2e && node measure/light-start.mjs).
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { finalizedNumber, freePort, rawSpec, rpc, startNode, tempDir, waitFor } from '../lib/node.mjs';
import { binary, startWorker } from '../lib/procs.mjs';

const RUNS = Number(process.env.RUNS ?? 5);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };
const round = (x, digits = 2) => Number(x.toFixed(digits));

/** The time of the first log line containing `text` (tracing's RFC 3339 stamp), in ms. */
function loggedAt(log, text) {
  const line = log.split('\n').find((l) => l.includes(text));
  if (!line) throw new Error(`no "${text}" in the log`);
  return Date.parse(line.split(/\s+/)[0]);
}

/** A line of /proc/<pid>/status in MiB (`VmHWM`, `VmRSS`). */
function memoryMiB(pid, field) {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith(`${field}:`));
  return round(Number(line.split(/\s+/)[1]) / 1024, 1);
}

const dir = tempDir('measure-light');
const nodes = {};
let worker;
try {
  const spec = rawSpec('local');
  let bootnode;
  for (const name of ['alice', 'bob', 'charlie', 'dave']) {
    nodes[name] = await startNode({ name, dir, args: ['--chain', spec, `--${name}`, '--validator', ...(bootnode ? ['--bootnodes', bootnode] : [])] });
    if (!bootnode) bootnode = `/ip4/127.0.0.1/tcp/${nodes.alice.p2pPort}/p2p/${await rpc(nodes.alice, 'system_localPeerId')}`;
  }
  await waitFor('finalized block 3', async () => (await finalizedNumber(nodes.alice)) >= 3, { timeoutMs: 180_000 });
  const port = await freePort();
  const modes = {
    rpc: { rpc: nodes.alice.rpcUrl, args: [] },
    'light-file': { rpc: nodes.alice.rpcUrl, args: ['--light', '--bootnode', bootnode, '--chain-spec', spec] },
    'light-sync': { rpc: nodes.charlie.rpcUrl, args: ['--light', '--bootnode', bootnode] },
  };
  // A first start registers Eve, so every measured start does the same work (update, heartbeat).
  worker = await startWorker(null, 'Eve', dir, [], { rpc: nodes.alice.rpcUrl, port });
  await worker.stop();
  const rows = {};
  for (const [mode, { rpc: url, args }] of Object.entries(modes)) {
    rows[mode] = [];
    for (let run = 1; run <= RUNS; run++) {
      const spawned = Date.now();
      worker = await startWorker(null, 'Eve', dir, args, { rpc: url, port, registerTimeoutMs: 300_000 });
      await sleep(10_000);
      const log = worker.log();
      const row = {
        mode,
        run,
        connected_s: round((loggedAt(log, ' connected') - spawned) / 1000),
        registered_s: round((loggedAt(log, 'registered and online') - spawned) / 1000),
        peak_mib: memoryMiB(worker.proc.pid, 'VmHWM'),
        rss_mib: memoryMiB(worker.proc.pid, 'VmRSS'),
        finalized: await finalizedNumber(nodes.alice),
      };
      console.log(JSON.stringify(row));
      rows[mode].push(row);
      await worker.stop();
      worker = undefined;
    }
  }

  await cryptoWaitReady();
  const alice = new Keyring({ type: 'sr25519' }).addFromUri('//Alice').address;
  const wallet = async (extra) => {
    const started = Date.now();
    const { stderr } = await promisify(execFile)('/usr/bin/time', ['-f', '%M', binary('pgt-wallet'), '--url', nodes.alice.rpcUrl, 'balance', '--account', alice, ...extra], { timeout: 120_000 });
    const peakKiB = Number(stderr.trim().split('\n').pop());
    return { seconds: round((Date.now() - started) / 1000), peak_mib: round(peakKiB / 1024, 1) };
  };
  for (const [mode, extra] of [['wallet-verify', ['--verify', '--chain-spec', spec]], ['wallet-plain', []]]) {
    rows[mode] = [];
    for (let run = 1; run <= RUNS; run++) {
      const row = { mode, run, ...(await wallet(extra)) };
      console.log(JSON.stringify(row));
      rows[mode].push(row);
    }
  }
  const summary = {};
  for (const [mode, list] of Object.entries(rows)) {
    summary[mode] = Object.fromEntries(Object.keys(list[0]).filter((k) => !['mode', 'run', 'finalized'].includes(k)).map((k) => [k, median(list.map((r) => r[k]))]));
  }
  console.log(JSON.stringify({ runs: RUNS, medians: summary }));
} finally {
  await worker?.stop();
  await Promise.all(Object.values(nodes).map((n) => n.stop()));
}
