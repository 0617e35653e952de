// Playing a game end to end with the real binaries: a `pgt-node --dev`, three `pgt-worker`s
// (Bob, Charlie, Dave) and a `pgt-player` whose page runs in headless Chromium. The page must
// show frames that change; keys pressed in it must steer the ball (the host's game, replayed
// with the inputs it logged, equals what it ran, and differs from the same game without them);
// closing the page must settle the session on the last receipt, with every balance moving to
// the planck as docs/economy.md says.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { stringToU8a, u8aConcat } from '@polkadot/util';
import { startDevChain, tempDir, waitFor } from './lib/node.mjs';
import { startWorker, startPlayer, binary, metric } from './lib/procs.mjs';
import { openPage } from './lib/browser.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** free + reserved of `who` at `blockHash`. */
async function total(api, who, blockHash) {
  const { data } = await (await api.at(blockHash)).query.system.account(who);
  return data.free.toBigInt() + data.reserved.toBigInt();
}

/** A hash of the canvas's pixels, computed in the page. */
const CANVAS_HASH = `(async () => {
  const c = document.getElementById('screen');
  const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  const d = await crypto.subtle.digest('SHA-256', px);
  return Array.from(new Uint8Array(d)).map((b) => b.toString(16).padStart(2, '0')).join('');
})()`;

describe('playing a game: pgt-worker hosts, pgt-player shows it in Chromium, the chain bills it', () => {
  let node;
  let api;
  let dir;
  let workers = [];
  let player;
  let page;

  before(async () => {
    ({ node, api } = await startDevChain('play'));
    dir = tempDir('play');
    workers = await Promise.all(['Bob', 'Charlie', 'Dave'].map((n) => startWorker(node, n, dir)));
  });

  after(async () => {
    await page?.close().catch(() => {});
    await player?.stop();
    await Promise.all(workers.map((w) => w.stop()));
    await api?.disconnect();
    await node?.stop();
  });

  const logs = () => [player, ...workers].filter(Boolean).map((p) => `--- ${p.logPath} ---\n${p.tail(25)}`).join('\n');

  test('frames change, keys steer the ball, closing the page settles to the planck', async () => {
    try {
      player = await startPlayer(node, '//Alice', dir);
      page = await openPage(player.url);
      await waitFor('20 frames drawn in the page', async () => (await page.evaluate('window.pgt.frames')) >= 20, { timeoutMs: 60_000 });
      const first = await page.evaluate(CANVAS_HASH);
      await sleep(700);
      assert.notEqual(await page.evaluate(CANVAS_HASH), first, 'the picture changes');

      // Steer: right for 1.5 s, then forward for 1 s.
      await page.key('keyDown', 'ArrowRight');
      await sleep(1500);
      await page.key('keyUp', 'ArrowRight');
      await page.key('keyDown', 'ArrowUp');
      await sleep(1000);
      await page.key('keyUp', 'ArrowUp');
      // Play on until a few receipts have gone out.
      await waitFor('8 served seconds in the overlay', async () => (await page.evaluate('window.pgt.lastStats?.served_s ?? 0')) >= 8, { timeoutMs: 60_000 });
      const stats = await page.evaluate('window.pgt.lastStats');
      assert.ok(stats.p50_ms > 0 && stats.p95_ms >= stats.p50_ms, `latency figures ${JSON.stringify(stats)}`);

      // The player leaves by closing the tab.
      await page.close();
      page = undefined;
      const exit = await Promise.race([player.exit, sleep(120_000).then(() => ({ timeout: true }))]);
      assert.deepEqual(exit, { code: 0, signal: null }, `the player settles and exits\n${logs()}`);
      const out = player.stdout();
      const last = out.match(/last receipt: served (\d+) s, paused (\d+) s, frames (\d+)/);
      assert.ok(last, out);
      const [served, paused, frames] = last.slice(1).map(Number);
      assert.ok(frames > 20 && served >= 8, out);
      assert.match(out, /settled: paid/);

      // The CSU record bills what the last receipt signed.
      const session = player.session;
      const csu = (await api.query.sessions.csus(session)).unwrap();
      assert.equal(csu.shares.length, 1);
      const share = csu.shares[0];
      const host = workers.find((w) => w.log().includes(`accepted session=${session} `));
      assert.ok(host, 'one worker accepted the session');
      assert.equal(share.secondsServed.toNumber(), served);
      assert.equal(share.secondsPaused.toNumber(), paused);
      assert.equal(share.secondsBilled.toNumber(), served - paused);
      assert.equal(share.frames.toNumber(), frames);
      assert.equal(csu.endReason.toString(), 'Player');

      // Pay to the planck (docs/economy.md): rate × billed / 3600, 10 % burned, 5 % to the treasury.
      const rate = csu.rate.toBigInt();
      const paid = rate * BigInt(served - paused) / 3600n;
      const burned = paid * BigInt(api.consts.sessions.burnShare.toNumber()) / 100n;
      const toTreasury = paid * BigInt(api.consts.sessions.treasuryShare.toNumber()) / 100n;
      assert.equal(csu.paid.toBigInt(), paid);
      assert.equal(csu.burned.toBigInt(), burned);
      assert.equal(csu.toTreasury.toBigInt(), toTreasury);
      assert.equal(share.earned.toBigInt(), paid - burned - toTreasury);

      // Balances in the settlement block, net of that block's transaction fees.
      const blockHash = await api.rpc.chain.getBlockHash(csu.endedAt.toNumber());
      const parent = (await api.rpc.chain.getHeader(blockHash)).parentHash;
      const events = await (await api.at(blockHash)).query.system.events();
      const fees = new Map();
      let toAuthor = 0n; let feesToTreasury = 0n; let feesBurned = 0n;
      for (const { event } of events) {
        if (event.section === 'transactionPayment' && event.method === 'TransactionFeePaid') {
          const who = event.data.who.toString();
          fees.set(who, (fees.get(who) ?? 0n) + event.data.actualFee.toBigInt() + event.data.tip.toBigInt());
        }
        if (event.section === 'fees' && event.method === 'FeesSplit') {
          toAuthor += event.data.toAuthor.toBigInt();
          feesToTreasury += event.data.toTreasury.toBigInt();
          feesBurned += event.data.burned.toBigInt();
        }
      }
      const alice = csu.player.toString();
      const hostAccount = share.contributor.toString();
      const delta = async (who) => (await total(api, who, blockHash)) - (await total(api, who, parent));
      // Alice authors every --dev block: she also gets the author's share of its fees.
      assert.equal(await delta(alice), -paid - (fees.get(alice) ?? 0n) + toAuthor);
      assert.equal(await delta(hostAccount), paid - burned - toTreasury - (fees.get(hostAccount) ?? 0n));
      // The treasury's account: "modl" + its pallet id, zero-padded.
      const treasury = api.createType('AccountId', u8aConcat(stringToU8a('modl'), stringToU8a('pgt/trsy'), new Uint8Array(20))).toString();
      assert.equal(await delta(treasury), toTreasury + feesToTreasury);
      const issuance = async (h) => (await (await api.at(h)).query.balances.totalIssuance()).toBigInt();
      assert.equal((await issuance(blockHash)) - (await issuance(parent)), -(burned + feesBurned));
      const { data } = await (await api.at(blockHash)).query.system.account(alice);
      assert.equal(data.reserved.toBigInt(), 0n, 'no escrow left on hold');

      // The keys steered the ball: replaying the host's logged inputs gives the state it ended
      // in; the same game without them does not.
      await waitFor('the host to log the game', async () => host.log().includes('game over session=' + session), { timeoutMs: 30_000 });
      const line = host.log().split('\n').find((l) => l.includes('game over session=' + session));
      const [, seed, tick, state] = line.match(/seed=(\d+) tick=(\d+) state=([0-9a-f]+)/);
      const inputs = line.match(/inputs="?([0-9:,]*)/)[1];
      assert.match(inputs, /:8/, 'the right arrow reached the game');
      assert.match(inputs, /:1(,|$)/, 'the up arrow reached the game');
      const simulate = (i) => execFileSync(binary('pgt-compute'), ['simulate', '--seed', seed, '--ticks', tick, '--inputs', i], { maxBuffer: 1 << 26 })
        .toString().trim().split('\n').pop().split(' ')[1];
      assert.equal(simulate(inputs).replace(/^0x/, ''), state, 'the host ran the game on exactly these inputs');
      assert.notEqual(simulate('00').replace(/^0x/, ''), state, 'without the keys the game ends elsewhere');

      // The host's metrics saw it all.
      assert.ok((await metric(host.metricsUrl, 'pgt_worker_frames_sent_total')) > 20);
      assert.ok((await metric(host.metricsUrl, 'pgt_worker_receipts_received_total')) >= 2);
      await waitFor('the host to report the settlement', async () => (await metric(host.metricsUrl, 'pgt_worker_sessions_settled_total')) === 1, { timeoutMs: 90_000 });
    } catch (e) {
      e.message += `\n${logs()}`;
      throw e;
    }
  });
});
