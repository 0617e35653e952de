// Failover end to end with the real binaries: a `pgt-node --dev`, three `pgt-worker`s (Bob,
// Charlie, Dave) and a `pgt-player` naming two candidates, so the chain makes one the host and
// the other its backup. The backup follows the host's game in lockstep and gets the player's
// inputs mirrored. The host is killed with SIGKILL mid-game: the page must go on with the
// backup's frames (the gap between the last host frame drawn and the first backup frame drawn
// is measured in the page), the chain must record the failover, the backup's final state must
// be what `pgt-compute simulate` gives for the seed and every input pressed (before and after
// the kill), and each of the two contributors is paid to the planck for what its receipts bill.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { bestNumber, startDevChain, tempDir, waitFor, timeoutAfter } from './lib/node.mjs';
import { startWorker, startPlayer, binary, metric } from './lib/procs.mjs';
import { openPage } from './lib/browser.mjs';
import { waitForEvent } from './lib/events.mjs';
import { gameOver } from './lib/game.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

describe('failover: the host is killed mid-game, its backup takes over', () => {
  let node;
  let api;
  let dir;
  let workers = [];
  let player;
  let page;

  before(async () => {
    ({ node, api } = await startDevChain('failover', { finalized: 0 }));
    dir = tempDir('failover');
    workers = await Promise.all(['Bob', 'Charlie', 'Dave'].map((n) => startWorker(node, n, dir)));
  });

  after(async () => {
    await page?.close().catch(() => {});
    await player?.stop();
    await Promise.all(workers.map((w) => w.stop()));
    await api?.disconnect();
    await node?.stop();
  });

  const logs = () => [player, ...workers].filter(Boolean).map((p) => `--- ${p.logPath} ---\n${p.tail(30)}`).join('\n');

  test('SIGKILL the host: the page shows the backup within 250 ms, the chain records it, no input is lost, both are paid', async () => {
    try {
      const firstBlock = await bestNumber(node);
      player = await startPlayer(node, '//Alice', dir, ['--candidates', '2']);
      const session = player.session;
      const host = await waitFor('a worker to accept the session', async () => workers.find((w) => w.log().includes(`accepted session=${session} `)));
      const backup = await waitFor('a worker to back the session', async () => workers.find((w) => w.log().includes(`backing session=${session} `)));
      assert.notEqual(backup, host);
      page = await openPage(player.url);
      await waitFor('30 frames drawn in the page', async () => (await page.evaluate('window.pgt.frames')) >= 30, { timeoutMs: 60_000 });
      await waitFor('the backup to follow the game', async () => (await metric(backup.metricsUrl, 'pgt_worker_lockstep_ticks_total') ?? 0) > 60, { timeoutMs: 30_000 });

      // Right arrow while the host runs the game.
      await page.key('keyDown', 'ArrowRight');
      await sleep(1000);
      await page.key('keyUp', 'ArrowRight');
      await sleep(500);
      // Wait until a receipt has billed the host, then kill it without warning.
      await waitFor('the host to get a receipt', async () => (await metric(host.metricsUrl, 'pgt_worker_receipts_received_total') ?? 0) >= 1, { timeoutMs: 30_000 });
      const framesBefore = await page.evaluate('window.pgt.frames');
      host.proc.kill('SIGKILL');
      await host.exit;

      // The page goes on with the backup's frames.
      await waitFor('the backup\'s frames in the page', async () => (await page.evaluate('window.pgt.gaps.length')) >= 1, { timeoutMs: 20_000 });
      const [gap] = await page.evaluate('window.pgt.gaps');
      console.log(`failover gap in the page: ${gap.ms.toFixed(1)} ms (last host frame tick ${gap.fromTick}, first backup frame tick ${gap.toTick})`);
      // 250 ms is the target (scripts/measure-failover, docs/benchmarks.md); the e2e suite runs
      // its files side by side on 2 cores, so here it only has to be well under a second.
      assert.ok(gap.ms > 0 && gap.ms < 1000, `gap ${gap.ms} ms`);
      assert.ok(gap.toTick > gap.fromTick, 'the backup continues the game, not an earlier state');
      await waitFor('30 more frames drawn', async () => (await page.evaluate('window.pgt.frames')) >= framesBefore + 30, { timeoutMs: 30_000 });

      // Up arrow after the takeover: the backup applies it.
      await page.key('keyDown', 'ArrowUp');
      await sleep(1000);
      await page.key('keyUp', 'ArrowUp');
      await waitFor('two receipts for the backup', async () => (await metric(backup.metricsUrl, 'pgt_worker_receipts_received_total') ?? 0) >= 2, { timeoutMs: 30_000 });

      // The player leaves; it waits for its failover to land, then settles.
      await page.close();
      page = undefined;
      const exit = await Promise.race([player.exit, timeoutAfter(150_000)]);
      assert.deepEqual(exit, { code: 0, signal: null }, `the player settles and exits\n${logs()}`);
      const out = player.stdout();
      const fo = out.match(/failover at tick (\d+): ([0-9a-f]{64}) → ([0-9a-f]{64}) \(([^)]*)\); final receipt for the dropped host: served (\d+) s, paused (\d+) s, frames (\d+)/);
      assert.ok(fo, out);
      assert.match(out, /failover recorded on chain/);
      const [hostServed, hostPaused] = [Number(fo[5]), Number(fo[6])];
      const last = out.match(/last receipt: served (\d+) s, paused (\d+) s, frames (\d+)/);
      assert.ok(last, out);
      const [backupServed, backupPaused] = [Number(last[1]), Number(last[2])];
      assert.ok(hostServed >= 3 && backupServed >= 4, out);

      // The chain recorded it: the backup is the host now.
      await cryptoWaitReady();
      const keyring = new Keyring({ type: 'sr25519', ss58Format: api.registry.chainSS58 });
      const address = (w) => api.createType('AccountId', keyring.addFromUri(`//${w.name}`).publicKey).toString();
      const event = await waitForEvent(api, node, firstBlock, 'sessions', 'FailedOver', (d) => d.session.toNumber() === session,
        { what: `session ${session}'s failover on chain`, timeoutMs: 60_000 });
      assert.equal(event.from.toString(), address(host));
      assert.equal(event.to.toString(), address(backup));
      assert.equal(fo[2], Buffer.from(keyring.addFromUri(`//${host.name}`).publicKey).toString('hex'));
      assert.equal(fo[3], Buffer.from(keyring.addFromUri(`//${backup.name}`).publicKey).toString('hex'));

      // Each contributor is billed what its own receipts say, and paid rate × billed / 3600.
      const csu = (await api.query.sessions.csus(session)).unwrap();
      const share = (w) => csu.shares.find((s) => s.contributor.toString() === address(w));
      const rate = csu.rate.toBigInt();
      let paid = 0n;
      for (const [w, served, paused] of [[host, hostServed, hostPaused], [backup, backupServed, backupPaused]]) {
        const s = share(w);
        assert.ok(s, `${w.name} has a share: ${JSON.stringify(csu.toHuman())}`);
        assert.equal(s.secondsServed.toNumber(), served, `${w.name} served`);
        assert.equal(s.secondsPaused.toNumber(), paused, `${w.name} paused`);
        assert.equal(s.paid.toBigInt(), rate * BigInt(s.secondsBilled.toNumber()) / 3600n);
        paid += s.paid.toBigInt();
      }
      assert.equal(csu.shares.length, 2);
      assert.equal(csu.paid.toBigInt(), paid);

      // No input lost: the backup's game — the host's key changes it followed, then its own —
      // replays from the seed to exactly its final state, and holds both arrows.
      const { seed, tick, state, inputs } = await gameOver(backup, session);
      assert.match(inputs, /:8(,|$)/, 'the right arrow, pressed while the host ran the game, is in the backup\'s game');
      assert.match(inputs, /:1(,|$)/, 'the up arrow, pressed after the takeover, reached the game');
      const simulated = execFileSync(binary('pgt-compute'), ['simulate', '--seed', seed, '--ticks', tick, '--inputs', inputs], { maxBuffer: 1 << 26 })
        .toString().trim().split('\n').pop().split(' ')[1];
      assert.equal(simulated.replace(/^0x/, ''), state, 'the backup\'s tick and state equal the reference simulation');
      assert.equal(await metric(backup.metricsUrl, 'pgt_worker_takeovers_total'), 1);
      assert.equal(await metric(backup.metricsUrl, 'pgt_worker_lockstep_resyncs_total'), 0, 'the backup never lost the host\'s game');
    } catch (e) {
      e.message += `\n${logs()}`;
      throw e;
    }
  });
});
