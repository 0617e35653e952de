// A cheating helper end to end with the real binaries, on a chain with 2-block verification
// windows. Bob hosts with two helpers and checks none of their tiles himself (`--check-tiles 0`),
// so only the chain can catch a cheat: Charlie helps honestly, Dave corrupts 5 % of the tiles he
// returns and commits (`--corrupt-tiles 5`, a test-only flag). Eve, Ferdie and Alice's stash
// account audit. The chain challenges 10 leaves of each window, so one of Dave's windows escapes
// with probability 0.95^10 ≈ 0.60 (docs/verification.md, "Catching a cheater"): how many windows
// it takes is chance, what the chain does with each is not. Dave says, for each of his windows,
// how many of the leaves the chain had him open he corrupted (a test-only log line), and the
// test holds every verdict to it: each window with none opened is judged honest, the first with
// one is judged wrong and slashes him; then he is paid nothing for the session. Charlie, over the
// same run, is never slashed and is paid.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { bestNumber, startDevChain, tempDir, waitFor } from './lib/node.mjs';
import { startWorker, startPlayer } from './lib/procs.mjs';
import { devAddress } from './lib/crash.mjs';
import { followEvents } from './lib/events.mjs';


/** Blocks per verification window (12 s; a commitment holds at least 360 leaves). */
const WINDOW_BLOCKS = 2;
/** Frames a second: each helper returns about one strip a frame, so a helper commits every two
 * windows (as at 30, with half the CPU: this file runs beside others on two cores). */
const FPS = 15;

describe('a helper that corrupts 5 % of its tiles is slashed by the chain\'s audits', () => {
  let node;
  let api;
  let dir;
  const workers = [];
  let player;

  before(async () => {
    ({ node, api } = await startDevChain('cheater', { finalized: 0, genesis: { work: { windowLength: WINDOW_BLOCKS } } }));
    dir = tempDir('cheater');
    // Only the host and its two would-be helpers at first, so the host can pick no one else.
    workers.push(...await Promise.all([
      startWorker(node, 'Bob', dir, ['--helpers', '2', '--check-tiles', '0']),
      startWorker(node, 'Charlie', dir),
      startWorker(node, 'Dave', dir, ['--corrupt-tiles', '5']),
    ]));
  });

  after(async () => {
    await player?.stop();
    await Promise.all(workers.map((w) => w.stop()));
    await api?.disconnect();
    await node?.stop();
  });

  const logs = () => [player, ...workers].filter(Boolean).map((p) => `--- ${p.logPath} ---\n${p.tail(30)}`).join('\n');

  test('slashed at his first window whose challenges hit a corrupted tile, never before, and paid nothing; the honest helper never slashed', async () => {
    try {
      await cryptoWaitReady();
      const keyring = new Keyring({ type: 'sr25519', ss58Format: api.registry.chainSS58 });
      const [bob, charlie, dave] = workers;
      const from = await bestNumber(node);
      const bobAccount = devAddress(api, keyring, 'Bob');
      player = await startPlayer(node, '//Alice', dir, ['--host', bobAccount, '--headless', '--duration', '900', '--fps', String(FPS)]);
      const session = player.session;
      for (const h of [charlie, dave]) {
        const hex = Buffer.from(keyring.addFromUri(`//${h.name}`).publicKey).toString('hex');
        await waitFor(`Bob to name ${h.name}`, async () => bob.log().includes(`helper named session=${session} helper=${hex}`), { timeoutMs: 90_000 });
      }
      // The auditors join once the helpers are named.
      workers.push(...await Promise.all(['Eve', 'Ferdie', 'Alice//stash'].map((n) => startWorker(node, n, dir))));

      const who = (name) => devAddress(api, keyring, name);
      // Every block since the session started, read once as it comes.
      const events = followEvents(api, node, from);
      const commitmentsOf = (name) => events.find('work', 'WorkCommitted', (d) => d.session.toNumber() === session && d.contributor.toString() === who(name))
        .map((d) => d.commitment.toNumber());
      const settledOf = (id) => events.find('work', 'Settled', (d) => d.commitment.toNumber() === id)[0];
      // Until one of Dave's windows is judged wrong.
      const slash = await waitFor('Dave to be slashed', async () => {
        await events.update();
        for (const id of commitmentsOf('Dave')) {
          const s = settledOf(id);
          if (s && s.verdict.toString() !== 'Honest') return { id, s };
        }
        return undefined;
      }, { timeoutMs: 900_000, intervalMs: 2_000 });
      // Every one of Dave's windows judged up to the slash, held to what he opened: honest while
      // no corrupted leaf was opened, wrong at the first that had one.
      const daves = commitmentsOf('Dave');
      const position = daves.indexOf(slash.id) + 1;
      const wrongOpened = (id) => dave.log().match(new RegExp(`TEST ONLY: corrupted outputs among the opened leaves commitment=${id} session=${session} wrong=(\\d+)`))?.[1];
      for (const id of daves.slice(0, position)) {
        const wrong = Number(await waitFor(`Dave's count of corrupted leaves he opened for commitment ${id}`, async () => wrongOpened(id), { timeoutMs: 30_000 }));
        const judged = await waitFor(`Dave's commitment ${id} to be judged`, async () => { await events.update(); return settledOf(id); }, { timeoutMs: 180_000, intervalMs: 2_000 });
        const verdict = judged.verdict.toString();
        assert.equal(verdict, wrong > 0 ? 'Wrong' : 'Honest', `Dave's commitment ${id}: ${wrong} corrupted leaves opened, judged ${verdict}`);
      }
      console.log(`Dave's window ${position} of ${daves.length} committed was the first whose challenges hit a corrupted tile (${wrongOpened(slash.id)}); judged ${slash.s.verdict}, slashed ${slash.s.slashed}`);
      assert.ok(slash.s.slashed.toBigInt() > 0n);

      // The player ends the session; settlement pays Dave nothing and Charlie his share.
      await player.stop();
      const csu = await waitFor('the session to settle', async () => (await api.query.sessions.csus(session)).unwrapOr(undefined), { timeoutMs: 120_000 });
      const part = (name) => csu.helpers.find((h) => h.helper.toString() === who(name));
      assert.ok(part('Dave').windowsWrong.toNumber() >= 1, JSON.stringify(csu.toHuman()));
      assert.equal(part('Dave').earned.toBigInt(), 0n);
      assert.equal(part('Dave').tasksPaid.toBigInt(), 0n);

      // Charlie, over the same run: every window of his that was judged is honest, and none is
      // judged otherwise later.
      await events.update();
      const charlies = commitmentsOf('Charlie');
      assert.ok(charlies.length >= 1, 'Charlie committed windows');
      await waitFor('Charlie\'s windows to be judged', async () => { await events.update(); return charlies.every((id) => settledOf(id)); }, { timeoutMs: 300_000, intervalMs: 2_000 });
      for (const id of charlies) assert.equal(settledOf(id).verdict.toString(), 'Honest', `Charlie's commitment ${id}`);
      assert.equal(part('Charlie').windowsWrong.toNumber(), 0);
      if (part('Charlie').tasksPaid.toBigInt() > 0n) assert.ok(part('Charlie').earned.toBigInt() > 0n);
      console.log(`Charlie: ${charlies.length} windows, all honest; paid ${part('Charlie').earned} for ${part('Charlie').tasksPaid} tasks`);
    } catch (e) {
      e.message += `\n${logs()}`;
      throw e;
    }
  });
});
