// Shielded PGT end to end: a real `pgt-node --dev`, the real `pgt-wallet` binary (subxt, real
// Groth16 proofs under the INSECURE dev setup) and @polkadot/api as an independent observer.
//
// Alice shields 10 PGT, sends 4 privately to Bob, Bob unshields 3 to a fresh public account;
// balances and the pool check out, a second spend of Bob's note is refused by the chain, and
// total issuance changes by exactly the burned share of the fees.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady, encodeAddress, mnemonicGenerate } from '@polkadot/util-crypto';
import { stringToU8a, u8aConcat } from '@polkadot/util';
import { startDevChain, tempDir } from './lib/node.mjs';
import { PGT, freeBalance, totalIssuance } from './lib/tx.mjs';

const run = promisify(execFile);

function walletBinary() {
  const bin = process.env.PGT_WALLET_BIN
    ?? join(process.env.CARGO_TARGET_DIR ?? join(homedir(), '.cache/pgt/target'), 'release/pgt-wallet');
  if (!existsSync(bin)) throw new Error(`pgt-wallet not found at ${bin}: build it with scripts/test or set PGT_WALLET_BIN`);
  return bin;
}

describe('shielded PGT with pgt-wallet against pgt-node --dev', () => {
  let node;
  let api;
  let dir;
  let fresh;
  const wallets = {};

  /** Runs pgt-wallet as `who` (a mnemonic file); resolves to stdout, rejects with stderr. */
  async function wallet(who, ...args) {
    // A cache folder of the test's own: the first proving run decompresses the key into it.
    const env = { ...process.env, PGT_NODE_URL: node.rpcUrl, RUST_LOG: 'warn', XDG_CACHE_HOME: dir };
    const file = who ? ['--mnemonic-file', wallets[who].file] : [];
    try {
      const { stdout } = await run(walletBinary(), [...file, ...args], { env, timeout: 300_000 });
      return stdout;
    } catch (e) {
      e.message = `pgt-wallet ${args.join(' ')} failed (exit ${e.code}):\n${e.stderr}`;
      throw e;
    }
  }

  async function shieldedBalance(who) {
    return JSON.parse(await wallet(who, 'balance', '--json'));
  }

  const pool = () => encodeAddress(u8aConcat(stringToU8a('modl'), stringToU8a('pgt/shld'), new Uint8Array(20)), 42);

  before(async () => {
    await cryptoWaitReady();
    dir = tempDir('shielded');
    ({ node, api } = await startDevChain('shielded'));
    for (const who of ['alice', 'bob']) {
      const out = await wallet(null, 'new');
      const mnemonic = out.match(/^mnemonic: (.+)$/m)[1];
      const file = join(dir, `${who}.mnemonic`);
      writeFileSync(file, `${mnemonic}\n`, { mode: 0o600 });
      wallets[who] = { file, address: out.match(/^address: +(\S+)$/m)[1] };
    }
    fresh = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromMnemonic(mnemonicGenerate());
  });

  after(async () => {
    await api?.disconnect();
    await node?.stop();
  });

  test('a new wallet prints its address again from its mnemonic', async () => {
    assert.equal((await wallet('alice', 'address')).trim(), wallets.alice.address);
    assert.notEqual(wallets.alice.address, wallets.bob.address);
    assert.deepEqual(await shieldedBalance('bob'), { address: wallets.bob.address, balance: '0', notes: [] });
  });

  test('shield 10, send 4 to Bob, Bob unshields 3; a second spend of his note is refused', async () => {
    const start = (await api.rpc.chain.getFinalizedHead()).toHex();
    const startNumber = (await api.rpc.chain.getHeader(start)).number.toNumber();
    const poolStart = await freeBalance(api, pool(), start);
    const issuanceStart = await totalIssuance(api, start);

    const shielded = await wallet('alice', 'shield', '10', '--signer', '//Alice');
    assert.match(shielded, /^shielded 10 PGT: in finalized block #\d+/);
    assert.equal((await shieldedBalance('alice')).balance, String(10n * PGT));
    assert.equal(await freeBalance(api, pool()), poolStart + 10n * PGT);

    const sent = await wallet('alice', 'send', '4', '--to', wallets.bob.address, '--signer', '//Alice');
    const sendBlock = Number(sent.match(/block #(\d+)/)[1]);
    assert.equal((await shieldedBalance('alice')).balance, String(6n * PGT));
    const bob = await shieldedBalance('bob');
    assert.equal(bob.balance, String(4n * PGT));
    assert.equal(bob.notes.length, 1);
    // The private payment moved no public money and shows no amount.
    assert.equal(await freeBalance(api, pool()), poolStart + 10n * PGT);
    const sendEvents = await api.query.system.events.at(await api.rpc.chain.getBlockHash(sendBlock));
    const transacted = sendEvents.find(({ event }) => event.section === 'shielded' && event.method === 'Transacted');
    assert.ok(transacted, 'Shielded.Transacted in the send block');
    assert.equal(transacted.event.data.extAmount.toBigInt(), 0n);

    // Bob proves a competing withdrawal of the same note first, and keeps it for later.
    const competing = join(dir, 'competing.json');
    await wallet('bob', 'unshield', '1', '--to', fresh.address, '--export', competing);
    const unshielded = await wallet('bob', 'unshield', '3', '--to', fresh.address, '--signer', '//Bob');
    assert.match(unshielded, /^unshielded 3 PGT to \S+: in finalized block #\d+/);
    assert.equal(await freeBalance(api, fresh.address), 3n * PGT);
    assert.equal((await shieldedBalance('bob')).balance, String(1n * PGT), 'the change came back');

    const poolBefore = await freeBalance(api, pool());
    await assert.rejects(wallet(null, 'submit', competing, '--signer', '//Bob'), /NullifierSpent/);
    assert.equal(await freeBalance(api, fresh.address), 3n * PGT, 'the second spend paid nothing');
    assert.equal(await freeBalance(api, pool()), poolBefore);
    assert.equal((await shieldedBalance('bob')).balance, String(1n * PGT));

    // The pool holds exactly the unspent shielded value (6 + 1) on top of what it had.
    assert.equal(await freeBalance(api, pool()), poolStart + 7n * PGT);

    // Total issuance changed only by the burned share of the fees paid in the meantime.
    const end = (await api.rpc.chain.getFinalizedHead()).toHex();
    const endNumber = (await api.rpc.chain.getHeader(end)).number.toNumber();
    let burned = 0n;
    let shieldedCalls = 0;
    for (let n = startNumber + 1; n <= endNumber; n += 1) {
      const events = await api.query.system.events.at(await api.rpc.chain.getBlockHash(n));
      for (const { event } of events) {
        if (event.section === 'fees' && event.method === 'FeesSplit') burned += event.data.burned.toBigInt();
        if (event.section === 'shielded' && event.method === 'Transacted') shieldedCalls += 1;
      }
    }
    assert.equal(shieldedCalls, 3, 'shield, send and unshield went through; the second spend did not');
    assert.ok(burned > 0n, 'the four transactions paid fees');
    assert.equal(issuanceStart - (await totalIssuance(api, end)), burned);
  });

  test('bad input is refused with a clear error and changes nothing', async () => {
    const poolBefore = await freeBalance(api, pool());
    await assert.rejects(wallet('bob', 'unshield', '5', '--to', fresh.address, '--signer', '//Bob'), /not enough shielded PGT/);
    await assert.rejects(wallet('bob', 'send', '1', '--to', fresh.address, '--signer', '//Bob'), /not a shielded PGT address/);
    await assert.rejects(wallet('bob', 'shield', '1.0000000000001', '--signer', '//Bob'), /only 12 decimals/);
    assert.equal(await freeBalance(api, pool()), poolBefore);
  });
});
