// A real `pgt-node --dev`, driven from the outside by @polkadot/api with no custom types:
// chain properties, a transfer and its fee burn, and bad input that must change nothing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady, mnemonicGenerate } from '@polkadot/util-crypto';
import { u8aConcat, u8aToHex, stringToU8a } from '@polkadot/util';
import { encodeAddress } from '@polkadot/util-crypto';
import { finalizedNumber, rpc, startDevChain, waitFor } from './lib/node.mjs';
import { PGT, findEvent, freeBalance, sendAndFinalize, totalIssuance } from './lib/tx.mjs';

describe('pgt-node --dev', () => {
  let node;
  let api;
  let keyring;
  let alice;
  let bob;

  before(async () => {
    await cryptoWaitReady();
    ({ node, api } = await startDevChain('dev', { finalized: 2, builtin: true }));
    keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
    alice = keyring.addFromUri('//Alice');
    bob = keyring.addFromUri('//Bob');
  });

  after(async () => {
    await api?.disconnect();
    await node?.stop();
  });

  test('chain properties say PGT with 12 decimals and SS58 prefix 42', async () => {
    const props = await rpc(node, 'system_properties');
    assert.equal(props.tokenSymbol, 'PGT');
    assert.equal(props.tokenDecimals, 12);
    assert.equal(props.ss58Format, 42);
    assert.deepEqual(api.registry.chainTokens, ['PGT']);
    assert.deepEqual(api.registry.chainDecimals, [12]);
    assert.equal(api.registry.chainSS58, 42);
    assert.equal((await api.rpc.system.chain()).toString(), 'PGT Development');
  });

  test('the fee shares are readable as runtime constants', async () => {
    const burn = api.consts.fees.burnShare.toNumber();
    const treasury = api.consts.fees.treasuryShare.toNumber();
    assert.ok(burn > 0, 'a share of every fee is burned');
    assert.ok(burn + treasury <= 100);
  });

  test('blocks are finalized and Prometheus metrics are served', async () => {
    const before = await finalizedNumber(node);
    await waitFor('finality to advance', async () => (await finalizedNumber(node)) > before);
    const metrics = await (await fetch(`http://127.0.0.1:${node.prometheusPort}/metrics`)).text();
    assert.match(metrics, /substrate_block_height\{status="finalized"/);
  });

  test('a transfer from Alice reaches a fresh account and burns the configured share of its fee', async () => {
    const fresh = keyring.addFromMnemonic(mnemonicGenerate());
    const amount = 10n * PGT;
    const treasury = encodeAddress(
      u8aConcat(stringToU8a('modl'), api.consts.treasury.palletId.toU8a(), new Uint8Array(20)).subarray(0, 32),
      42,
    );
    const burnShare = BigInt(api.consts.fees.burnShare.toNumber());
    const treasuryShare = BigInt(api.consts.fees.treasuryShare.toNumber());

    const { blockHash, events, dispatchError } = await sendAndFinalize(
      api, api.tx.balances.transferKeepAlive(fresh.address, amount), alice,
    );
    assert.equal(dispatchError, undefined);
    const header = await api.rpc.chain.getHeader(blockHash);
    const parentHash = header.parentHash.toHex();

    const transfer = findEvent(events, 'balances', 'Transfer');
    assert.ok(transfer, 'Balances.Transfer emitted');
    assert.equal(transfer.data.to.toString(), fresh.address);
    assert.equal(transfer.data.amount.toBigInt(), amount);

    const paid = findEvent(events, 'transactionPayment', 'TransactionFeePaid');
    const fee = paid.data.actualFee.toBigInt();
    assert.ok(fee > 0n);
    const burned = (fee * burnShare) / 100n;
    const toTreasury = (fee * treasuryShare) / 100n;
    const toAuthor = fee - burned - toTreasury;

    // The burn, as the chain reports it.
    const burnedEvent = findEvent(events, 'balances', 'BurnedDebt');
    assert.ok(burnedEvent, 'Balances.BurnedDebt emitted');
    assert.equal(burnedEvent.data.amount.toBigInt(), burned);
    const split = findEvent(events, 'fees', 'FeesSplit');
    assert.equal(split.data.burned.toBigInt(), burned);
    assert.equal(split.data.toTreasury.toBigInt(), toTreasury);
    assert.equal(split.data.toAuthor.toBigInt(), toAuthor);
    assert.equal(split.data.author.unwrap().toString(), alice.address, 'Alice authors every --dev block');

    // The burn, as state shows it: issuance fell by exactly the burned amount.
    assert.equal((await totalIssuance(api, parentHash)) - (await totalIssuance(api, blockHash)), burned);
    assert.equal(await freeBalance(api, fresh.address, blockHash), amount);
    assert.equal(
      (await freeBalance(api, treasury, blockHash)) - (await freeBalance(api, treasury, parentHash)),
      toTreasury,
    );
    // Alice sent and also authored: she paid amount + fee and got the author's share back.
    assert.equal(
      (await freeBalance(api, alice.address, parentHash)) - (await freeBalance(api, alice.address, blockHash)),
      amount + fee - toAuthor,
    );
  });

  test('a transfer with a bad signature is rejected with a clear error and changes nothing', async () => {
    const dest = keyring.addFromMnemonic(mnemonicGenerate());
    const nonce = (await api.rpc.system.accountNextIndex(bob.address)).toNumber();
    const bobBefore = await freeBalance(api, bob.address);
    const tx = api.tx.balances.transferKeepAlive(dest.address, PGT);
    await tx.signAsync(bob, { nonce });
    const sig = tx.signature.toHex().slice(2);
    // Flip one bit of the 64-byte sr25519 signature.
    const last = sig.length - 2;
    const flipped = sig.slice(0, last) + ((parseInt(sig.slice(last), 16) ^ 1).toString(16).padStart(2, '0'));
    const bad = tx.toHex().replace(sig, flipped);
    assert.notEqual(bad, tx.toHex());

    await assert.rejects(rpc(node, 'author_submitExtrinsic', [bad]), (err) => {
      assert.equal(err.rpc.code, 1010);
      assert.match(err.message, /bad signature/i);
      return true;
    });
    const start = await finalizedNumber(node);
    await waitFor('a later finalized block', async () => (await finalizedNumber(node)) > start + 1);
    assert.equal(await freeBalance(api, dest.address), 0n);
    assert.equal(await freeBalance(api, bob.address), bobBefore);
    assert.equal((await api.rpc.system.accountNextIndex(bob.address)).toNumber(), nonce);
  });

  test('a replayed nonce is rejected with a clear error and changes nothing', async () => {
    const dest = keyring.addFromMnemonic(mnemonicGenerate());
    const { dispatchError } = await sendAndFinalize(api, api.tx.balances.transferKeepAlive(dest.address, PGT), bob);
    assert.equal(dispatchError, undefined);
    const used = (await api.rpc.system.accountNextIndex(bob.address)).toNumber() - 1;
    const bobBefore = await freeBalance(api, bob.address);

    const replay = api.tx.balances.transferKeepAlive(dest.address, PGT);
    await replay.signAsync(bob, { nonce: used });
    await assert.rejects(rpc(node, 'author_submitExtrinsic', [replay.toHex()]), (err) => {
      assert.equal(err.rpc.code, 1010);
      assert.match(err.message, /outdated/i);
      return true;
    });
    const start = await finalizedNumber(node);
    await waitFor('a later finalized block', async () => (await finalizedNumber(node)) > start + 1);
    assert.equal(await freeBalance(api, dest.address), PGT);
    assert.equal(await freeBalance(api, bob.address), bobBefore);
  });

  test('a transfer above the balance fails with a clear error and moves nothing but its fee', async () => {
    const poor = keyring.addFromMnemonic(mnemonicGenerate());
    const dest = keyring.addFromMnemonic(mnemonicGenerate());
    await sendAndFinalize(api, api.tx.balances.transferKeepAlive(poor.address, 2n * PGT), bob);
    const before = await freeBalance(api, poor.address);

    const { events, dispatchError } = await sendAndFinalize(
      api, api.tx.balances.transferKeepAlive(dest.address, 1_000n * PGT), poor,
    );
    assert.ok(dispatchError, 'the transfer failed');
    assert.ok(dispatchError.isToken, `a token error, got ${dispatchError.toString()}`);
    assert.equal(dispatchError.asToken.type, 'FundsUnavailable');
    assert.ok(findEvent(events, 'system', 'ExtrinsicFailed'));
    const fee = findEvent(events, 'transactionPayment', 'TransactionFeePaid').data.actualFee.toBigInt();
    assert.equal(await freeBalance(api, dest.address), 0n);
    assert.equal(before - (await freeBalance(api, poor.address)), fee);
  });
});
