// Helpers end to end with the real binaries: a `pgt-node` with 3-block verification windows,
// four `pgt-worker`s (Bob, Charlie, Dave, Eve) that all host with `--helpers 2`, and a
// `pgt-player` in raw mode naming two candidates. The chain makes one worker the host and one its
// backup; the host names the other two its helpers on chain and shares every frame with them in
// strips. The page must show frames composited from the three machines that equal, pixel for
// pixel, what `pgt-compute frame` renders for the same tick and inputs; each helper must commit
// its own windows; and settlement must split the host's pay with its helpers by verified tasks
// (min of what the host credited and what the helper committed), to the planck.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { startDevChain, tempDir, waitFor, timeoutAfter } from './lib/node.mjs';
import { startWorker, startPlayer, binary, metric, metricByLabel } from './lib/procs.mjs';
import { openPage } from './lib/browser.mjs';
import { DRAWN_FRAME, gameOver } from './lib/game.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Blocks per verification window (18 s). */
const WINDOW_BLOCKS = 3;

/**
 * Frames a second: helpers have three quarters of a frame interval to answer (50 ms at 15 fps),
 * which four workers and Chromium sharing two cores meet; a helper commits once it has computed
 * the chain's `MinTasksPerWindow` (540) strips, about 40 s at one strip a frame.
 */
const FPS = 15;

describe('helpers: frames composited from three machines, pay split by verified work', () => {
  let node;
  let api;
  let dir;
  let workers = [];
  let player;
  let page;

  before(async () => {
    ({ node, api } = await startDevChain('helpers', { finalized: 0, genesis: { work: { windowLength: WINDOW_BLOCKS } } }));
    dir = tempDir('helpers');
    workers = await Promise.all(['Bob', 'Charlie', 'Dave', 'Eve'].map((n) => startWorker(node, n, dir, ['--helpers', '2'])));
  });

  after(async () => {
    await page?.close().catch(() => {});
    await player?.stop();
    await Promise.all(workers.map((w) => w.stop()));
    await api?.disconnect();
    await node?.stop();
  });

  const logs = () => [player, ...workers].filter(Boolean).map((p) => `--- ${p.logPath} ---\n${p.tail(30)}`).join('\n');

  test('a host, two helpers and a backup: raw frames equal pgt-compute, each helper commits and is paid its share to the planck', async () => {
    try {
      await cryptoWaitReady();
      const keyring = new Keyring({ type: 'sr25519', ss58Format: api.registry.chainSS58 });
      const hex = (w) => Buffer.from(keyring.addFromUri(`//${w.name}`).publicKey).toString('hex');
      const address = (w) => api.createType('AccountId', keyring.addFromUri(`//${w.name}`).publicKey).toString();

      player = await startPlayer(node, '//Alice', dir, ['--candidates', '2', '--encoding', 'raw', '--fps', String(FPS)]);
      const session = player.session;
      const host = await waitFor('a worker to accept the session', async () => workers.find((w) => w.log().includes(`accepted session=${session} `)));
      const backup = await waitFor('a worker to back the session', async () => workers.find((w) => w.log().includes(`backing session=${session} `)));
      const helpers = workers.filter((w) => w !== host && w !== backup);
      assert.equal(helpers.length, 2);
      page = await openPage(player.url);

      // The host names both on chain, then their strips come back and fill the frames.
      for (const h of helpers) {
        await waitFor(`${h.name} named a helper`, async () => host.log().includes(`helper named session=${session} helper=${hex(h)}`), { timeoutMs: 60_000 });
      }
      const returned = async (h) => (await metricByLabel(host.metricsUrl, 'pgt_worker_helper_tasks_returned_total'))[hex(h)] ?? 0;
      for (const h of helpers) {
        await waitFor(`60 of ${h.name}'s strips in frames`, async () => (await returned(h)) >= 60, { timeoutMs: 60_000 });
      }
      await page.key('keyDown', 'ArrowLeft');
      await sleep(800);
      await page.key('keyUp', 'ArrowLeft');
      await sleep(300);
      const before = Object.fromEntries(await Promise.all(helpers.map(async (h) => [h.name, await returned(h)])));
      const drawn = await page.evaluate(DRAWN_FRAME);
      // Strips still come back from both after the frame read: it was composited while they helped.
      for (const h of helpers) {
        await waitFor(`${h.name}'s strips still in the frames after frame ${drawn.number}`, async () => (await returned(h)) > before[h.name] + 10, { timeoutMs: 60_000 });
      }
      assert.equal(drawn.encoding, 1, 'raw RGBA frames');

      // Each helper computes its strips, commits its own windows, and the host credits it.
      for (const h of helpers) {
        await waitFor(`${h.name} to commit a window`, async () => (await metric(h.metricsUrl, 'pgt_worker_windows_committed_total') ?? 0) >= 1, { timeoutMs: 120_000 });
        assert.ok((await metric(h.metricsUrl, 'pgt_worker_tasks_helped_total')) > 60);
        await waitFor(`the host to credit ${h.name}`, async () => host.log().includes(`helper credited session=${session} helper=${hex(h)}`), { timeoutMs: 60_000 });
      }
      const sent = await metricByLabel(host.metricsUrl, 'pgt_worker_helper_tasks_sent_total');
      const late = await metricByLabel(host.metricsUrl, 'pgt_worker_helper_tasks_late_total');
      console.log(`helper strips: ${helpers.map((h) => `${h.name} sent ${sent[hex(h)]}, returned ${before[h.name]}+, late ${late[hex(h)] ?? 0}`).join('; ')}`);
      assert.equal(await metric(host.metricsUrl, 'pgt_worker_helpers_dropped_total'), 0, 'honest helpers are never dropped');

      // The player leaves; the session settles.
      await page.close();
      page = undefined;
      const exit = await Promise.race([player.exit, timeoutAfter(150_000)]);
      assert.deepEqual(exit, { code: 0, signal: null }, `the player settles and exits\n${logs()}`);

      // The frame drawn equals the frame rendered alone from the game replayed with the host's inputs.
      const { seed, inputs } = await gameOver(host, session);
      assert.match(inputs, /:4(,|$)/, 'the left arrow reached the game');
      const out = join(dir, `frame-${drawn.number}.rgba`);
      execFileSync(binary('pgt-compute'), ['frame', '--seed', seed, '--tick', String(drawn.tick), '--frame', String(drawn.number),
        '--inputs', inputs, '--width', String(drawn.width), '--height', String(drawn.height), '--out', out]);
      const rendered = readFileSync(out);
      assert.equal(rendered.length, drawn.width * drawn.height * 4);
      assert.equal(createHash('sha256').update(rendered).digest('hex'), drawn.sha256, `frame ${drawn.number} at tick ${drawn.tick}`);

      // Settlement: the host's pay split with its helpers by verified tasks, to the planck.
      const csu = (await api.query.sessions.csus(session)).unwrap();
      const share = csu.shares.find((s) => s.contributor.toString() === address(host));
      assert.ok(share, JSON.stringify(csu.toHuman()));
      assert.equal(csu.helpers.length, 2, JSON.stringify(csu.toHuman()));
      let helperTasks = 0n;
      let helperEarned = 0n;
      for (const h of csu.helpers) {
        assert.equal(h.host.toString(), address(host));
        assert.ok(helpers.some((w) => address(w) === h.helper.toString()));
        const [credited, committed, paidFor] = [h.tasksCredited, h.tasksCommitted, h.tasksPaid].map((x) => x.toBigInt());
        assert.equal(paidFor, credited < committed ? credited : committed, 'paid for the fewer of credited and committed');
        // It committed at least a window; it is paid for what the host had credited by settlement
        // (credits go out once a window: the last window's strips may not be).
        assert.ok(committed >= 540n && paidFor > 0n, `${h.helper}: ${JSON.stringify(h.toHuman())}`);
        assert.equal(h.windowsWrong.toNumber(), 0);
        helperTasks += paidFor;
        helperEarned += h.earned.toBigInt();
      }
      const hostTasks = share.tasksCommitted.toBigInt();
      assert.ok(hostTasks > 0n);
      const pot = share.earned.toBigInt() + helperEarned;
      for (const h of csu.helpers) {
        assert.equal(h.earned.toBigInt(), pot * h.tasksPaid.toBigInt() / (hostTasks + helperTasks), `${h.helper}'s share`);
      }
      // Nothing lost: contributors, burn and treasury add up to what the player paid.
      const earnedAll = csu.shares.reduce((n, s) => n + s.earned.toBigInt(), 0n) + helperEarned;
      assert.equal(earnedAll + csu.burned.toBigInt() + csu.toTreasury.toBigInt(), csu.paid.toBigInt());
      console.log(`pay split: host ${share.earned} for ${hostTasks} tasks; helpers ${csu.helpers.map((h) => `${h.earned} for ${h.tasksPaid}`).join(', ')}`);
    } catch (e) {
      e.message += `\n${logs()}`;
      throw e;
    }
  });
});
