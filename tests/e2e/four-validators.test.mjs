// Four validators of `--chain local` (its raw spec, exported once: lib/node.mjs rawSpec) on
// loopback, each its own process and base path: blocks are produced and finalized; with one
// validator killed finality goes on (3 of 4 is a GRANDPA supermajority); restarted on its old
// base path, it catches up with the others. `pgt-wallet balance --verify` proves Alice's balance
// against a block three or four of them signed as final, and refuses what a lying RPC proxy in
// front of a real validator makes up (a balance, a header's state root, a signature). Two
// workers reach the chain only through their embedded light clients (`--light`, smoldot, from
// the raw spec file or from a validator's `sync_state_genSyncSpec` checkpoint): they register,
// heartbeat and one hosts a session a player on RPC pays for and settles, the other one a player
// on a light client settles; those whose `--rpc` is the lying proxy never ask it anything.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { bestNumber, connect, finalizedNumber, freePort, rawSpec, rpc, startNode, tempDir, waitFor, timeoutAfter } from './lib/node.mjs';
import { binary, metric, startPlayer, startWorker } from './lib/procs.mjs';
import { startLyingProxy, replaceBytes, u128Le } from './lib/lying-proxy.mjs';

const VALIDATORS = ['alice', 'bob', 'charlie', 'dave'];

describe('four validators on --chain local', () => {
  const dir = tempDir('local');
  const nodes = {};
  let bootnode;

  const logs = () => Object.values(nodes).map((n) => `--- ${n.name} ---\n${n.tail(15)}`).join('\n');
  const validatorArgs = (name) => ['--chain', rawSpec('local'), `--${name}`, '--validator', ...(bootnode ? ['--bootnodes', bootnode] : [])];

  before(async () => {
    nodes.alice = await startNode({ name: 'alice', dir, args: validatorArgs('alice') });
    // The port Alice really listens on (the one asked for may have been taken meanwhile).
    const peerId = await rpc(nodes.alice, 'system_localPeerId');
    const listening = await rpc(nodes.alice, 'system_localListenAddresses');
    const port = listening.map((a) => a.match(/^\/ip4\/[0-9.]+\/tcp\/(\d+)(\/p2p\/|$)/)?.[1]).find(Boolean);
    assert.ok(port, `Alice listens on TCP: ${JSON.stringify(listening)}`);
    bootnode = `/ip4/127.0.0.1/tcp/${port}/p2p/${peerId}`;
    await Promise.all(VALIDATORS.slice(1).map(async (name) => {
      nodes[name] = await startNode({ name, dir, args: validatorArgs(name) });
    }));
  });

  after(async () => {
    await Promise.all(Object.values(nodes).map((n) => n.stop()));
  });

  test('all four connect, produce blocks and finalize them', async () => {
    try {
      await waitFor('every validator to see 3 peers', async () => {
        for (const n of Object.values(nodes)) {
          if ((await rpc(n, 'system_health')).peers < 3) return false;
        }
        return true;
      });
      await waitFor('every validator to finalize block 3', async () => {
        for (const n of Object.values(nodes)) {
          if ((await finalizedNumber(n)) < 3) return false;
        }
        return true;
      }, { timeoutMs: 180_000 });
    } catch (e) {
      throw new Error(`${e.message}\n${logs()}`);
    }
    // Four BABE authorities, and blocks come from more than one of them.
    const api = await connect(nodes.alice);
    try {
      assert.equal((await api.query.babe.authorities()).length, 4);
      // Authors of the finalized chain, from each header's BABE pre-digest. Slots go to
      // authorities at random, so a short chain can come from one of them: keep looking as
      // the chain grows.
      const finalizedAuthors = async () => {
        const authors = new Set();
        let hash = await api.rpc.chain.getFinalizedHead();
        for (;;) {
          const header = await api.rpc.chain.getHeader(hash);
          if (header.number.toNumber() === 0) return authors;
          for (const log of header.digest.logs) {
            if (log.isPreRuntime && log.asPreRuntime[0].toString() === 'BABE') {
              const pre = api.createType('RawBabePreDigest', log.asPreRuntime[1]);
              const inner = pre.isPrimary ? pre.asPrimary : pre.isSecondaryPlain ? pre.asSecondaryPlain : pre.asSecondaryVRF;
              authors.add(inner.authorityIndex.toNumber());
            }
          }
          hash = header.parentHash;
        }
      };
      let seen = new Set();
      await waitFor('finalized blocks from at least two validators', async () => {
        seen = await finalizedAuthors();
        return seen.size >= 2;
      }, { timeoutMs: 180_000, intervalMs: 3_000 }).catch((e) => {
        throw new Error(`${e.message}; authors so far: ${[...seen]}\n${logs()}`);
      });
      assert.ok(seen.size >= 2);
    } finally {
      await api.disconnect();
    }
  });

  test('finality continues with one validator killed, and it catches up after a restart', async () => {
    const dave = nodes.dave;
    await dave.stop('SIGKILL');
    const finalizedAtKill = await finalizedNumber(nodes.alice);
    try {
      await waitFor('finality to advance by 3 blocks without dave', async () => {
        for (const name of ['alice', 'bob', 'charlie']) {
          if ((await finalizedNumber(nodes[name])) < finalizedAtKill + 3) return false;
        }
        return true;
      }, { timeoutMs: 180_000 });
    } catch (e) {
      throw new Error(`${e.message}\n${logs()}`);
    }

    // Restart dave on the same base path (its database and keys survive the crash).
    nodes.dave = await startNode({ name: 'dave', basePath: dave.basePath, args: validatorArgs('dave') });
    const target = await finalizedNumber(nodes.alice);
    try {
      await waitFor(`dave to catch up to finalized block ${target}`, async () => (await finalizedNumber(nodes.dave)) >= target, { timeoutMs: 180_000 });
    } catch (e) {
      throw new Error(`${e.message}\n${logs()}`);
    }
    assert.ok((await bestNumber(nodes.dave)) >= target);
  });

  /** `pgt-wallet args` against `url`; resolves to { code, stdout, stderr }. */
  async function wallet(url, args) {
    try {
      const { stdout, stderr } = await promisify(execFile)(binary('pgt-wallet'), ['--url', url, ...args], { timeout: 120_000 });
      return { code: 0, stdout, stderr };
    } catch (e) {
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }

  test('pgt-wallet balance --verify proves a balance against GRANDPA finality and refuses a lying node', async () => {
    await cryptoWaitReady();
    const alice = new Keyring({ type: 'sr25519' }).addFromUri('//Alice');
    const spec = rawSpec('local');
    const verify = ['balance', '--account', alice.address, '--verify', '--chain-spec', spec, '--json'];

    // Honest node: the proven balance is the node's, at a block it finalized.
    const honest = await wallet(nodes.alice.rpcUrl, verify);
    assert.equal(honest.code, 0, honest.stderr);
    const proven = JSON.parse(honest.stdout);
    assert.equal(proven.at.verified, true);
    assert.equal(proven.at.authorities, 4);
    assert.ok(proven.at.signed >= 3, `a justification needs 3 of 4 precommits: ${honest.stdout}`);
    const api = await connect(nodes.alice);
    let real;
    try {
      const account = await (await api.at(proven.at.hash)).query.system.account(alice.address);
      real = { free: account.data.free.toString(), reserved: account.data.reserved.toString() };
      assert.equal((await api.rpc.chain.getHeader(proven.at.hash)).number.toNumber(), proven.at.number);
    } finally {
      await api.disconnect();
    }
    assert.deepEqual({ free: proven.free, reserved: proven.reserved }, real);
    const text = await wallet(nodes.alice.rpcUrl, verify.filter((a) => a !== '--json'));
    assert.match(text.stdout, /PGT free, .* PGT reserved .* at #\d+ \(finalized, [34] of 4 authorities signed\)/);

    // A proxy that reports a balance a thousand times Alice's, in plain reads and in proofs.
    const fake = (BigInt(real.free) * 1000n).toString();
    const proxy = await startLyingProxy(nodes.bob, {
      state_getStorage: (result) => replaceBytes(result, u128Le(real.free), u128Le(fake)),
      state_getReadProof: (result) => ({ ...result, proof: result.proof.map((node) => replaceBytes(node, u128Le(real.free), u128Le(fake))) }),
    });
    try {
      // Believed, the lie works (what the proxy does is real) …
      const believed = await wallet(proxy.url, ['balance', '--account', alice.address, '--json']);
      assert.equal(believed.code, 0, believed.stderr);
      assert.equal(JSON.parse(believed.stdout).free, fake);
      // … proven, it does not.
      const lied = await wallet(proxy.url, verify);
      assert.notEqual(lied.code, 0, `--verify must refuse the altered proof: ${lied.stdout}`);
      assert.match(lied.stderr, /storage proof does not match the state root/);
      assert.ok(proxy.told.state_getReadProof >= 1);

      // A header whose state root is the proxy's own: it no longer hashes to the finalized block.
      proxy.lies = { chain_getHeader: (header) => ({ ...header, stateRoot: `0x${'11'.repeat(32)}` }) };
      const header = await wallet(proxy.url, verify);
      assert.notEqual(header.code, 0, header.stdout);
      assert.match(header.stderr, /does not hash to the block it names/);

      // A justification with one precommit's signature changed (PGT nodes cannot answer
      // grandpa_proveFinality before a first authority set change, so the wallet takes the next
      // justification the node's voter sends; both are changed here).
      proxy.lies = {
        grandpa_proveFinality: (proof) => flipByte(proof, 32 + 2 + SIGNATURE_AT),
        grandpa_justifications: (justification) => flipByte(justification, SIGNATURE_AT),
      };
      const forged = await wallet(proxy.url, verify);
      assert.notEqual(forged.code, 0, forged.stdout);
      assert.match(forged.stderr, /not signed by two thirds of authority set 0/);
      assert.ok(proxy.told.grandpa_justifications >= 1);
    } finally {
      await proxy.close();
    }

    // The node's own spec with a checkpoint at its finalized block (what a light client starts
    // from) is a trust root too: its lightSyncState's authority set verifies the same way.
    const synced = await rpc(nodes.charlie, 'sync_state_genSyncSpec', [true]);
    assert.ok(synced.lightSyncState?.grandpaAuthoritySet, 'sync_state_genSyncSpec gives a checkpoint');
    const checkpoint = join(tempDir('sync-spec'), 'sync.json');
    writeFileSync(checkpoint, JSON.stringify(synced));
    const fromCheckpoint = await wallet(nodes.alice.rpcUrl, ['balance', '--account', alice.address, '--verify', '--chain-spec', checkpoint, '--json']);
    assert.equal(fromCheckpoint.code, 0, fromCheckpoint.stderr);
    assert.equal(JSON.parse(fromCheckpoint.stdout).at.verified, true);

    // Another chain's spec (the dev chain: same Alice, another genesis) is refused up front.
    const other = await wallet(nodes.alice.rpcUrl, ['balance', '--account', alice.address, '--verify', '--chain-spec', rawSpec('dev'), '--json']);
    assert.notEqual(other.code, 0, other.stdout);
    assert.match(other.stderr, /serves another chain than the chain spec/);
  });

  /**
   * `pgt-worker run --light` for dev account `name`, `--rpc rpcUrl`, `extra` flags; waits until it
   * is registered. A light client that does not sync in time (warp sync on a young chain has been
   * seen to idle) gets one more try in a fresh process; each failure prints smoldot's last lines.
   */
  async function startLightWorker(name, rpcUrl, extra) {
    const args = ['--light', '--bootnode', bootnode, ...extra];
    for (let attempt = 1; ; attempt++) {
      try {
        return await startWorker(null, name, lightDir, args, { rpc: rpcUrl, port: lightPorts[name], registerTimeoutMs: 300_000 });
      } catch (e) {
        const lines = smoldotLines(e.log ?? '');
        if (attempt === 2 || e.fatal) throw new Error(`${e.message}\n--- ${name}'s light client, last lines ---\n${lines}`);
        console.log(`# ${name}'s light worker did not register (${e.message}); trying once more. Its light client's last lines:\n${lines}`);
      }
    }
  }
  const lightDir = tempDir('light');
  const lightPorts = {};

  test('workers on light clients register, heartbeat and host a session a player on RPC settles; a lying RPC is never asked', async () => {
    await cryptoWaitReady();
    const keyring = new Keyring({ type: 'sr25519' });
    const eve = keyring.addFromUri('//Eve').address;
    const ferdie = keyring.addFromUri('//Ferdie').address;
    // The proxy lies about every balance it is asked for; Eve is pointed at it and must not ask.
    const proxy = await startLyingProxy(nodes.bob, { state_getStorage: () => `0x${'ff'.repeat(80)}` });
    const workers = {};
    let player;
    let lightPlayer;
    // Each player in its own folder: both play at once.
    const rpcPlayerDir = join(lightDir, 'rpc-player');
    const lightPlayerDir = join(lightDir, 'light-player');
    mkdirSync(rpcPlayerDir, { recursive: true });
    mkdirSync(lightPlayerDir, { recursive: true });
    const api = await connect(nodes.alice);
    try {
      lightPorts.Eve = await freePort();
      lightPorts.Ferdie = await freePort();
      // Eve: the raw spec file (genesis) and Alice as bootnode; `--rpc` is the liar. Ferdie: the
      // checkpoint spec Charlie serves (sync_state_genSyncSpec). Both start at once.
      [workers.eve, workers.ferdie] = await Promise.all([
        startLightWorker('Eve', proxy.url, ['--chain-spec', rawSpec('local')]),
        startLightWorker('Ferdie', nodes.charlie.rpcUrl, []),
      ]);
      for (const w of Object.values(workers)) {
        assert.match(w.log(), /connected chain=the light client/, `${w.name} reached the chain through its light client`);
      }
      assert.equal(proxy.connections, 0, 'a light worker with a chain spec file never connects to its --rpc');

      // Both registrations are on the full nodes' finalized chain.
      const registered = {};
      for (const [name, address] of [['Eve', eve], ['Ferdie', ferdie]]) {
        registered[name] = (await api.query.contributors.registry(address)).unwrap();
      }

      // A player on RPC names Ferdie; 40 s of play (Ferdie submits the latest receipt every 30 s),
      // then it settles. It plays while Eve restarts and hosts the light player below, both at
      // 15 frames a second (two sessions and two light clients share two cores with other files).
      player = await startPlayer(nodes.alice, '//Alice', rpcPlayerDir, ['--host', ferdie, '--candidates', '1', '--headless', '--duration', '40', '--fps', '15']);
      const ferdieHosts = (async () => {
        await waitFor('Ferdie to accept through his light client', async () => workers.ferdie.log().includes(`accepted session=${player.session} `), { timeoutMs: 120_000 });
        const exit = await Promise.race([player.exit, timeoutAfter(240_000)]);
        assert.deepEqual(exit, { code: 0, signal: null }, `the player settles and exits\n${player.tail(25)}`);
        const last = player.stdout().match(/last receipt: served (\d+) s, paused (\d+) s, frames (\d+)/);
        assert.ok(last, player.stdout());
        const [served, paused, frames] = last.slice(1).map(Number);
        assert.ok(served >= 30 && frames > 300, last[0]);
        const csu = await waitFor('the CSU record', async () => (await api.query.sessions.csus(player.session)).unwrapOr(undefined), { timeoutMs: 60_000 });
        assert.equal(csu.shares.length, 1);
        assert.ok(csu.shares[0].contributor.eq(ferdie), `Ferdie hosted: ${csu.shares[0].contributor}`);
        assert.equal(csu.shares[0].secondsServed.toNumber(), served);
        assert.equal(csu.shares[0].secondsPaused.toNumber(), paused);
        assert.ok((await metric(workers.ferdie.metricsUrl, 'pgt_worker_receipts_submitted_total')) >= 1, 'receipts went through the light client');
      })();
      ferdieHosts.catch(() => {}); // awaited below; a failure is reported there

      // A restarted light worker brings its registration up to date with a heartbeat.
      await workers.eve.stop();
      workers.eve = await startLightWorker('Eve', proxy.url, ['--chain-spec', rawSpec('local')]);
      const after = (await api.query.contributors.registry(eve)).unwrap();
      assert.ok(after.lastHeartbeat.toNumber() > registered.Eve.lastHeartbeat.toNumber(), `a heartbeat from the light client: ${after.lastHeartbeat} after ${registered.Eve.lastHeartbeat}`);
      assert.equal(after.registeredAt.toNumber(), registered.Eve.registeredAt.toNumber(), 'the same registration');
      assert.equal(proxy.connections, 0);

      // A player on a light client too (its `--rpc` the liar): names Eve, plays 15 s, settles.
      // Ferdie's session beside it moves the chain's rate between the quote the player reads and
      // its request (the player's default limit is the quote itself): it accepts up to 10 PGT an hour.
      lightPlayer = await startPlayer({ rpcUrl: proxy.url }, '//Dave', lightPlayerDir, ['--light', '--chain-spec', rawSpec('local'), '--bootnode', bootnode, '--host', eve, '--candidates', '1', '--headless', '--duration', '15', '--max-rate', '10', '--fps', '15']);
      const lightExit = await Promise.race([lightPlayer.exit, timeoutAfter(240_000)]);
      assert.deepEqual(lightExit, { code: 0, signal: null }, `the light player settles and exits\n${lightPlayer.tail(25)}`);
      assert.match(lightPlayer.stdout(), /settled: paid/);
      const lightCsu = (await api.query.sessions.csus(lightPlayer.session)).unwrap();
      assert.ok(lightCsu.shares[0].contributor.eq(eve), `Eve hosted: ${lightCsu.shares[0].contributor}`);
      assert.ok(lightCsu.shares[0].secondsServed.toNumber() >= 10, `${lightCsu.shares[0].secondsServed} s served`);
      await ferdieHosts;
      assert.equal(proxy.connections, 0, 'nor does a light player with a chain spec file');
    } catch (e) {
      const tails = Object.values(workers).map((w) => `--- ${w.name} ---\n${w.tail(30)}\n--- ${w.name}'s light client ---\n${smoldotLines(w.log())}`);
      e.message += `\n${tails.join('\n')}\n--- player ---\n${player?.tail(25)}\n--- light player ---\n${lightPlayer?.tail(25)}`;
      throw e;
    } finally {
      await Promise.all([player?.stop(), lightPlayer?.stop()]);
      await Promise.all(Object.values(workers).map((w) => w.stop()));
      await api.disconnect();
      await proxy.close();
    }
  });

  test('a light worker that reaches no peer of the chain says so and exits', async () => {
    const peerId = await rpc(nodes.alice, 'system_localPeerId');
    const nobody = `/ip4/127.0.0.1/tcp/${await freePort()}/p2p/${peerId}`;
    const wdir = tempDir('light-nobody');
    const key = join(wdir, 'network.key');
    await promisify(execFile)(binary('pgt-worker'), ['key', 'generate', '--file', key]);
    const run = promisify(execFile)(binary('pgt-worker'), [
      'run', '--light', '--chain-spec', rawSpec('local'), '--bootnode', nobody, '--light-sync-timeout', '5',
      '--suri', '//Eve', '--network-key', key, '--data-dir', wdir, '--metrics', `127.0.0.1:${await freePort()}`,
      '--listen', `/ip4/127.0.0.1/udp/${await freePort()}/quic-v1`, '--renderer', 'cpu',
    ], { timeout: 120_000 });
    const failed = await run.then(() => undefined, (e) => e);
    assert.ok(failed, 'the worker must not run without the chain');
    assert.equal(failed.code, 1, `exit code ${failed.code} signal ${failed.signal}\n${failed.stderr}`);
    // Both tries are reported, each naming the peer it waited for.
    const said = failed.stderr.split('\n').filter((l) => !SMOLDOT_TARGET.test(l)).join('\n');
    assert.match(said, /the light client did not sync within 5s: no peer of the chain answered \(\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\/\w+\) \(and on a first try: the light client did not sync within 5s/, said);
  });
});

/** The last `count` lines smoldot (the embedded light client) logged, from a worker's log. */
function smoldotLines(log, count = 20) {
  return log.split('\n').filter((l) => SMOLDOT_TARGET.test(l)).slice(-count).join('\n') || '(none)';
}

/** Log targets of smoldot's services (as tracing prints them: ` INFO sync-service-…: `). */
const SMOLDOT_TARGET = / (smoldot|sync-service|tx-service|runtime|network|json-rpc|chain-spec|subxt-light-client)[\w-]*: /;

/**
 * Where a byte of the first precommit's signature is in an encoded GRANDPA justification: round
 * (8), the commit's target hash and number (36), the precommits' compact count (1), the first
 * precommit's target hash and number (36), then its 64-byte signature. In an encoded
 * `FinalityProof` the justification comes after the block hash (32) and its compact length (2
 * bytes for 64..16383).
 */
const SIGNATURE_AT = 8 + 36 + 1 + 36 + 10;

/** `hex` (0x…) with the byte at `at` flipped. */
function flipByte(hex, at) {
  const bytes = Buffer.from(hex.slice(2), 'hex');
  bytes[at] ^= 0xff;
  return `0x${bytes.toString('hex')}`;
}

