// Playing a game end to end with the real binaries: a `pgt-node --dev`, three `pgt-worker`s
// (Bob, Charlie, Dave) and a `pgt-player` whose page runs in headless Chromium. The page must
// show frames that change; keys pressed in it must steer the ball (the host's game, replayed
// with the inputs it logged, equals what it ran, and differs from the same game without them);
// closing the page must settle the session on the last receipt, with every balance moving to
// the planck as docs/economy.md says. The chain starts with 3-block verification windows
// (`work.windowLength` in its genesis) so the host commits a window of the frames and ticks it
// computed within the session, opens the leaves the chain challenges, and the two workers the
// player did not name audit them: the window is judged honest. A second session, in raw mode:
// the canvas's pixels equal `pgt-compute frame` for the same tick and inputs. A third, hosted by
// a fourth worker (Eve) behind a relay that delays the player–host path by 200 ms each way for
// 5 s: those seconds are paused in the receipts and not billed.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Keyring } from '@polkadot/keyring';
import { stringToU8a, u8aConcat } from '@polkadot/util';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { bestNumber, freePort, startDevChain, tempDir, waitFor, timeoutAfter } from './lib/node.mjs';
import { startDelayRelay } from './lib/delay-relay.mjs';
import { startWorker, startPlayer, binary, metric } from './lib/procs.mjs';
import { openPage } from './lib/browser.mjs';
import { waitForEvent } from './lib/events.mjs';
import { DRAWN_FRAME, gameOver } from './lib/game.mjs';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Blocks per verification window on the test's chain (18 s: at least 540 leaves a window). */
const WINDOW_BLOCKS = 3;

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
  /** The first session's committed window, audited while the later tests play. */
  let audit;

  before(async () => {
    ({ node, api } = await startDevChain('play', { finalized: 0, genesis: { work: { windowLength: WINDOW_BLOCKS } } }));
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
      const firstBlock = await bestNumber(node);
      // One candidate named: the other two workers may audit the session.
      player = await startPlayer(node, '//Alice', dir, ['--candidates', '1']);
      const host = await waitFor('a worker to accept the session', async () => workers.find((w) => w.log().includes(`accepted session=${player.session} `)));
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
      // …and until the host has committed a window of its work.
      await waitFor('the host to commit a window', async () => (await metric(host.metricsUrl, 'pgt_worker_windows_committed_total')) >= 1, { timeoutMs: 120_000 });
      const stats = await page.evaluate('window.pgt.lastStats');
      assert.ok(stats.p50_ms > 0 && stats.p95_ms >= stats.p50_ms, `latency figures ${JSON.stringify(stats)}`);

      // The player leaves by closing the tab.
      await page.close();
      page = undefined;
      const exit = await Promise.race([player.exit, timeoutAfter(120_000)]);
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
      assert.equal(share.secondsServed.toNumber(), served);
      assert.equal(share.secondsPaused.toNumber(), paused);
      // Committed windows cover every billed second, no audit failed: nothing withheld.
      assert.equal(share.secondsUncommitted.toNumber(), 0);
      assert.equal(share.secondsForfeited.toNumber(), 0);
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
      const { seed, tick, state, inputs } = await gameOver(host, session);
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

      // The window: its leaves are the frames and ticks the host computed for this session; the
      // chain challenged 10, the host opened them, the two other workers recomputed them from
      // the opened states and agreed: honest, both auditors rewarded, nobody slashed.
      const committed = host.log().split('\n').find((l) => l.includes(`session=${session} `) && l.includes('window committed'));
      assert.ok(committed, host.log());
      const [, tasks, commitment] = committed.match(/tasks=(\d+) commitment=(\d+)/).map(Number);
      assert.ok(tasks >= 30 * 6 * WINDOW_BLOCKS, `a window holds at least MinTasksPerWindow leaves: ${tasks}`);
      // The audit takes about a minute more: the raw and delayed sessions below play meanwhile,
      // and the last test checks its outcome. Its auditors are drawn first (before Eve, the
      // delayed session's host, exists), three blocks after the commitment.
      const challenged = await waitForEvent(api, node, firstBlock, 'work', 'Challenged', (d) => d.commitment.toNumber() === commitment,
        { what: `commitment ${commitment}'s challenges`, timeoutMs: 120_000 });
      audit = { commitment, firstBlock, host, hostAccount, others: workers.filter((w) => w !== host), drawn: challenged.auditors.map((a) => a.toString()).sort() };
    } catch (e) {
      e.message += `\n${logs()}`;
      throw e;
    }
  });
  test('in raw mode the canvas shows exactly the frame pgt-compute renders for that tick and those inputs', async () => {
    let raw;
    let rawPage;
    try {
      raw = await startPlayer(node, '//Ferdie', dir, ['--candidates', '1', '--encoding', 'raw']);
      const host = await waitFor('a worker to accept the session', async () => workers.find((w) => w.log().includes(`accepted session=${raw.session} `)));
      rawPage = await openPage(raw.url);
      await waitFor('10 raw frames drawn', async () => (await rawPage.evaluate('window.pgt.frames')) >= 10, { timeoutMs: 60_000 });
      await rawPage.key('keyDown', 'ArrowLeft');
      await sleep(800);
      await rawPage.key('keyUp', 'ArrowLeft');
      await sleep(300);
      const drawn = await rawPage.evaluate(DRAWN_FRAME);
      assert.equal(drawn.encoding, 1, 'raw RGBA frames');
      await rawPage.close();
      rawPage = undefined;
      const exit = await Promise.race([raw.exit, timeoutAfter(120_000)]);
      assert.deepEqual(exit, { code: 0, signal: null }, `the player settles and exits\n${raw.tail()}`);

      // The same frame, rendered from the game replayed with the host's logged inputs.
      const { seed, inputs } = await gameOver(host, raw.session);
      assert.match(inputs, /:4(,|$)/, 'the left arrow reached the game');
      const out = join(dir, `frame-${drawn.number}.rgba`);
      execFileSync(binary('pgt-compute'), ['frame', '--seed', seed, '--tick', String(drawn.tick), '--frame', String(drawn.number),
        '--inputs', inputs, '--width', String(drawn.width), '--height', String(drawn.height), '--out', out]);
      const rendered = readFileSync(out);
      assert.equal(rendered.length, drawn.width * drawn.height * 4);
      assert.equal(createHash('sha256').update(rendered).digest('hex'), drawn.sha256, `frame ${drawn.number} at tick ${drawn.tick}`);
    } catch (e) {
      e.message += `\n--- raw player ---\n${raw?.tail(25)}`;
      throw e;
    } finally {
      await rawPage?.close().catch(() => {});
      await raw?.stop();
    }
  });
  test('200 ms of added delay on the player–host path for 5 s: at least 4 seconds paused, none of them billed', async () => {
    let relay;
    let eve;
    let slow;
    try {
      // Eve hosts behind the relay: she listens on `port` and publishes the relay's address.
      const port = await freePort();
      relay = await startDelayRelay(port);
      eve = await startWorker(node, 'Eve', dir, ['--public', `/ip4/127.0.0.1/udp/${relay.port}/quic-v1`], { port });
      workers.push(eve);
      await cryptoWaitReady();
      const eveAddress = new Keyring({ type: 'sr25519' }).addFromUri('//Eve').address;
      slow = await startPlayer(node, '//Ferdie', dir, ['--host', eveAddress, '--headless', '--duration', '20']);
      await waitFor('Eve to stream', async () => (await metric(eve.metricsUrl, 'pgt_worker_frames_sent_total') ?? 0) > 60, { timeoutMs: 90_000 });
      await sleep(3_000);
      relay.delayMs = 200;
      await sleep(5_000);
      relay.delayMs = 0;
      const exit = await Promise.race([slow.exit, timeoutAfter(150_000)]);
      assert.deepEqual(exit, { code: 0, signal: null }, `the player settles and exits\n${slow.tail()}`);
      assert.ok(relay.forwarded > 100 && relay.returned > 100, 'the session went through the relay');

      const last = slow.stdout().match(/last receipt: served (\d+) s, paused (\d+) s, frames (\d+)/);
      assert.ok(last, slow.stdout());
      const [served, paused] = last.slice(1, 3).map(Number);
      assert.ok(paused >= 4, `at least 4 of the 5 delayed seconds are paused: ${last[0]}`);
      assert.ok(paused <= 7, `only the delayed seconds are paused: ${last[0]}`);
      const csu = (await api.query.sessions.csus(slow.session)).unwrap();
      const share = csu.shares[0];
      assert.equal(share.secondsServed.toNumber(), served);
      assert.equal(share.secondsPaused.toNumber(), paused);
      assert.equal(share.secondsBilled.toNumber(), served - paused, 'paused seconds are not billed');
      assert.equal(csu.paid.toBigInt(), csu.rate.toBigInt() * BigInt(served - paused) / 3600n);
    } catch (e) {
      e.message += `\n--- player ---\n${slow?.tail(25)}\n--- Eve ---\n${eve?.tail(25)}`;
      throw e;
    } finally {
      await slow?.stop();
      relay?.close();
    }
  });
  test('the window the first session committed is audited: honest, both auditors rewarded, nobody slashed', async () => {
    assert.ok(audit, 'the first session committed a window');
    const { commitment, firstBlock, host, hostAccount, others, drawn } = audit;
    try {
      const settled = await waitForEvent(api, node, firstBlock, 'work', 'Settled', (d) => d.commitment.toNumber() === commitment,
        { what: `commitment ${commitment}'s audit to settle`, timeoutMs: 240_000, intervalMs: 2_000 });
      assert.equal(settled.verdict.toString(), 'Honest', JSON.stringify(settled.toHuman()));
      assert.equal(settled.contributor.toString(), hostAccount);
      const auditors = settled.rewarded.map((a) => a.toString()).sort();
      assert.equal(auditors.length, 2, 'both other workers audited and agreed');
      assert.deepEqual(auditors, drawn, 'the drawn auditors are the ones rewarded');
      assert.equal(settled.penalised.length, 0);
      assert.equal(settled.slashed.toBigInt(), 0n);
      assert.ok((await metric(host.metricsUrl, 'pgt_worker_challenges_opened_total')) >= 10);
      await cryptoWaitReady();
      const keyring = new Keyring({ type: 'sr25519', ss58Format: api.registry.chainSS58 });
      const address = (w) => api.createType('AccountId', keyring.addFromUri(`//${w.name}`).publicKey).toString();
      assert.deepEqual(auditors, others.map(address).sort(), 'the auditors are the two workers the player did not name');
      for (const w of others) {
        assert.ok((await metric(w.metricsUrl, 'pgt_worker_audits_revealed_total')) >= 1, `${w.name} revealed its audit`);
      }
    } catch (e) {
      e.message += `\n${logs()}`;
      throw e;
    }
  });
});
