// Crash cycles, shared by `tests/e2e/crash.test.mjs` (a short run in CI) and
// `scripts/crash-cycles` (20 cycles, docs/benchmarks.md): each cycle is one headless session of a
// `pgt-player` naming two of the workers (host and backup), on a chain with short verification
// windows so work is committed, challenged and audited within the session. Workers host with
// `--helpers 1`, so each session's host names a helper among the others. At a random moment the
// host (cycles 1, 4, 7, …), the helper (2, 5, …) or the backup (3, 6, …) is killed with SIGKILL,
// and started again with its key, port and store after a random pause. A killed host's session
// fails over to its backup; a killed helper's strips are rendered by the host until it is back.
//
// What a cycle checks, from the chain and the player's own output:
// - no receipt is lost: each contributor's CSU share serves and pauses exactly what the last
//   receipt the player signed for it says (the failover's final receipt for a dropped host);
// - pay: every share is paid rate × billed / 3600, and the session's total is their sum; each
//   host's helpers are paid for min(credited, committed) tasks, ⌊pot × tasks ÷ all tasks⌋;
// - every window committed for the session (by any of its hosts or helpers, before or after a
//   crash) is opened and judged (`work.Settled`): honest.
import { bestNumber, waitFor, timeoutAfter } from './node.mjs';
import { eventsSince, followEvents } from './events.mjs';
import { startWorker, startPlayer, metric } from './procs.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The workers of a crash run: a host, its backup and its helper (a new host names a second one)
 * leave three to audit each session (the three auditors a window needs). */
export const WORKERS = ['Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie', 'Alice//stash', 'Bob//stash'];

/** The account id (SS58, the chain's format) of dev account `name`. */
export function devAddress(api, keyring, name) {
  return api.createType('AccountId', keyring.addFromUri(`//${name}`).publicKey).toString();
}

/**
 * Runs `cycles` crash cycles on `node` with `workers` (started with `startWorker`; a killed one
 * is replaced in the array by its restart). `random` gives numbers in [0, 1) (seeded by the
 * caller, so a run can be repeated). Returns one row per cycle and the list of commitments made
 * for the cycles' sessions, to be checked with `checkCommitments` once they are audited.
 */
export async function crashCycles({ node, api, keyring, workers, dir, cycles, random, sessionSeconds = 40, log = () => {} }) {
  const rows = [];
  const commitments = [];
  for (let i = 0; i < cycles; i++) {
    const from = await bestNumber(node);
    const player = await startPlayer(node, '//Alice', dir, ['--candidates', '2', '--headless', '--duration', String(sessionSeconds)]);
    const session = player.session;
    const host = await waitFor('a worker to accept', async () => workers.find((w) => w.log().includes(`accepted session=${session} `)));
    const backup = await waitFor('a backup', async () => workers.find((w) => w.log().includes(`backing session=${session} `)));
    await waitFor('the backup in lockstep', async () => (await metric(backup.metricsUrl, 'pgt_worker_lockstep_ticks_total') ?? 0) > 60, { timeoutMs: 60_000 });
    const kind = ['host', 'helper', 'backup'][i % 3];
    const hexOf = (w) => Buffer.from(keyring.addFromUri(`//${w.name}`).publicKey).toString('hex');
    const helper = kind !== 'helper' ? undefined : await waitFor('the host to name a helper', async () => {
      const named = host.log().match(new RegExp(`helper named session=${session} helper=([0-9a-f]{64})`));
      return named && workers.find((w) => hexOf(w) === named[1]);
    }, { timeoutMs: 60_000 });
    const victim = { host, helper, backup }[kind];
    const killAfterMs = Math.round(2_000 + random() * (sessionSeconds - 15) * 1000);
    const pauseMs = Math.round(random() * 3_000);
    await sleep(killAfterMs);
    victim.proc.kill('SIGKILL');
    await victim.exit;
    await sleep(pauseMs);
    workers[workers.indexOf(victim)] = await startWorker(node, victim.name, dir, victim.extraArgs, { port: victim.port });
    const exit = await Promise.race([player.exit, timeoutAfter(sessionSeconds * 1000 + 180_000)]);
    if (exit.code !== 0) throw new Error(`cycle ${i + 1}: the player did not settle: ${JSON.stringify(exit)}\n${player.tail(40)}`);

    // The receipts the player signed last, per contributor.
    const out = player.stdout();
    const receipts = new Map();
    const failover = out.match(/failover at tick (\d+): ([0-9a-f]{64}) → ([0-9a-f]{64}) \([^)]*\); final receipt for the dropped host: served (\d+) s, paused (\d+) s/);
    const last = out.match(/last receipt: served (\d+) s, paused (\d+) s/);
    if (!last) throw new Error(`cycle ${i + 1}: no last receipt\n${out}`);
    const hex = hexOf;
    if (failover) {
      receipts.set(failover[2], { served: Number(failover[4]), paused: Number(failover[5]) });
      receipts.set(failover[3], { served: Number(last[1]), paused: Number(last[2]) });
    } else {
      receipts.set(hex(host), { served: Number(last[1]), paused: Number(last[2]) });
    }
    const csu = (await api.query.sessions.csus(session)).unwrap();
    const rate = csu.rate.toBigInt();
    let paid = 0n;
    const shares = [];
    for (const s of csu.shares) {
      const who = Buffer.from(s.contributor.toU8a()).toString('hex');
      const r = receipts.get(who);
      if (!r) throw new Error(`cycle ${i + 1}: a share for ${who}, which the player signed nothing for: ${JSON.stringify(csu.toHuman())}`);
      if (s.secondsServed.toNumber() !== r.served || s.secondsPaused.toNumber() !== r.paused) {
        throw new Error(`cycle ${i + 1}: ${who}'s share ${s.secondsServed}/${s.secondsPaused} ≠ its last receipt ${r.served}/${r.paused}`);
      }
      const owed = rate * BigInt(s.secondsBilled.toNumber()) / 3600n;
      if (s.paid.toBigInt() !== owed) throw new Error(`cycle ${i + 1}: ${who} paid ${s.paid} ≠ ${owed}`);
      paid += owed;
      shares.push({ served: r.served, paused: r.paused, billed: s.secondsBilled.toNumber(), uncommitted: s.secondsUncommitted.toNumber() });
    }
    if (csu.shares.length !== receipts.size) throw new Error(`cycle ${i + 1}: ${csu.shares.length} shares for ${receipts.size} receipts`);
    // Each host's pay split with its helpers by verified tasks, to the planck.
    for (const s of csu.shares) {
      const mine = csu.helpers.filter((h) => h.host.toString() === s.contributor.toString());
      const tasks = mine.reduce((n, h) => n + h.tasksPaid.toBigInt(), 0n);
      const pot = mine.reduce((n, h) => n + h.earned.toBigInt(), s.earned.toBigInt());
      for (const h of mine) {
        const [credited, committed] = [h.tasksCredited.toBigInt(), h.tasksCommitted.toBigInt()];
        const verified = h.windowsWrong.toNumber() > 0 ? 0n : (credited < committed ? credited : committed);
        const owed = tasks + s.tasksCommitted.toBigInt() === 0n ? 0n : pot * verified / (tasks + s.tasksCommitted.toBigInt());
        if (h.tasksPaid.toBigInt() !== verified || h.earned.toBigInt() !== owed) {
          throw new Error(`cycle ${i + 1}: helper ${h.helper} paid ${h.earned} for ${h.tasksPaid} tasks, owed ${owed} for ${verified}: ${JSON.stringify(csu.toHuman())}`);
        }
      }
    }
    if (csu.paid.toBigInt() !== paid) throw new Error(`cycle ${i + 1}: paid ${csu.paid} ≠ Σ shares ${paid}`);
    const committed = await eventsSince(api, node, from, 'work', 'WorkCommitted', (d) => d.session.toNumber() === session);
    for (const c of committed) commitments.push({ cycle: i + 1, session, commitment: c.commitment.toNumber(), contributor: c.contributor.toString(), from });
    const helpers = csu.helpers.map((h) => ({ tasks_paid: h.tasksPaid.toString(), earned: h.earned.toString() }));
    const row = { cycle: i + 1, session, killed: kind, victim: victim.name, after_ms: killAfterMs, down_ms: pauseMs, failover: Boolean(failover), shares, helpers, paid: paid.toString(), commitments: committed.length };
    log(row);
    rows.push(row);
  }
  return { rows, commitments };
}

/** Waits until every commitment has its `work.Settled`; returns the verdicts. */
export async function checkCommitments({ api, node, commitments, timeoutMs = 600_000 }) {
  const events = followEvents(api, node, Math.min(...commitments.map((c) => c.from)));
  const verdicts = new Map();
  await waitFor(`${commitments.length} commitments to be judged`, async () => {
    await events.update();
    for (const s of events.find('work', 'Settled')) verdicts.set(s.commitment.toNumber(), s.verdict.toString());
    return commitments.every((c) => verdicts.has(c.commitment));
  }, { timeoutMs, intervalMs: 2_000 });
  return commitments.map((c) => ({ ...c, verdict: verdicts.get(c.commitment) }));
}

/** A seeded generator of numbers in [0, 1) (mulberry32), so a run of cycles can be repeated. */
export function seededRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6D2B79F5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
