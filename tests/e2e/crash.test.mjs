// Crash safety, short: two crash cycles (tests/e2e/lib/crash.mjs) on a `pgt-node --dev` with
// 3-block verification windows and seven `pgt-worker`s hosting with one helper — the host of the
// first session and the helper of the second are killed with SIGKILL at a random moment and
// started again. No receipt is lost (every CSU share equals the player's last receipt for it),
// each share is paid rate × billed / 3600 and the session's total is their sum, each helper is
// paid its part of its host's pay by verified tasks, and every window committed for the
// sessions — by a host or a helper before its crash included — is opened and judged honest.
// `scripts/crash-cycles` runs 20 (docs/benchmarks.md).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { startDevChain, tempDir } from './lib/node.mjs';
import { startWorker } from './lib/procs.mjs';
import { WORKERS, crashCycles, checkCommitments, seededRandom } from './lib/crash.mjs';

/**
 * Seconds each session lasts: long enough for the hosts (on two cores shared with another game
 * test, 15–20 frames a second, two tasks a frame) to commit windows of 540 tasks both before and
 * after the kill (40 s left the first session's hosts with none).
 */
const SESSION_SECONDS = 60;

describe('crash safety: kill -9 and restart a host and a helper mid-session', () => {
  let node;
  let api;
  let dir;
  const workers = [];

  before(async () => {
    ({ node, api } = await startDevChain('crash', { finalized: 0, genesis: { work: { windowLength: 3 } } }));
    dir = tempDir('crash');
    workers.push(...await Promise.all(WORKERS.map((n) => startWorker(node, n, dir, ['--helpers', '1']))));
  });

  after(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await api?.disconnect();
    await node?.stop();
  });

  test('no receipt lost, pay to the planck, every committed window opened and honest', async () => {
    try {
      await cryptoWaitReady();
      const keyring = new Keyring({ type: 'sr25519' });
      const seed = Number(process.env.CRASH_SEED ?? 1);
      const { rows, commitments } = await crashCycles({
        node, api, keyring, workers, dir, cycles: 2, random: seededRandom(seed), sessionSeconds: SESSION_SECONDS, log: (r) => console.log(JSON.stringify(r)),
      });
      assert.equal(rows.length, 2);
      assert.ok(rows[0].failover, 'the first cycle killed the host: the session failed over');
      assert.equal(rows[1].killed, 'helper');
      assert.ok(rows.every((r) => r.helpers.length >= 1), `each session's host named a helper: ${JSON.stringify(rows)}`);
      assert.ok(commitments.length >= 2, `windows were committed: ${JSON.stringify(commitments)}`);
      const judged = await checkCommitments({ api, node, commitments });
      for (const c of judged) assert.equal(c.verdict, 'Honest', JSON.stringify(c));
    } catch (e) {
      e.message += '\n' + workers.map((w) => `--- ${w.logPath} ---\n${w.tail(25)}`).join('\n');
      throw e;
    }
  });
});
