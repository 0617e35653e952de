// Four validators of `--chain local` (its raw spec, exported once: lib/node.mjs rawSpec) on
// loopback, each its own process and base path: blocks are produced and finalized; with one
// validator killed finality goes on (3 of 4 is a GRANDPA supermajority); restarted on its old
// base path, it catches up with the others.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { bestNumber, connect, finalizedNumber, rawSpec, rpc, startNode, tempDir, waitFor } from './lib/node.mjs';

const VALIDATORS = ['alice', 'bob', 'charlie', 'dave'];

describe('four validators on --chain local', () => {
  const dir = tempDir('local');
  const nodes = {};
  let bootnode;

  const logs = () => Object.values(nodes).map((n) => `--- ${n.name} ---\n${n.tail(15)}`).join('\n');
  const validatorArgs = (name) => ['--chain', rawSpec('local'), `--${name}`, '--validator', ...(bootnode ? ['--bootnodes', bootnode] : [])];

  before(async () => {
    nodes.alice = await startNode({ name: 'alice', dir, args: validatorArgs('alice') });
    const peerId = await rpc(nodes.alice, 'system_localPeerId');
    bootnode = `/ip4/127.0.0.1/tcp/${nodes.alice.p2pPort}/p2p/${peerId}`;
    for (const name of VALIDATORS.slice(1)) {
      nodes[name] = await startNode({ name, dir, args: validatorArgs(name) });
    }
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
});
