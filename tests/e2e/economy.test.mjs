// The compute economy from the outside, as a wallet and a worker would drive it against a real
// `pgt-node --dev`: Bob registers as a contributor, Alice requests a session naming Bob, Bob
// accepts, Alice's signed receipts are submitted (never billing more time than the chain's clock
// has run since Bob accepted, never pausing seconds already billed), the session ends, and every
// balance moves by exactly the configured shares. Bad input changes nothing. Transactions wait for
// inclusion, not finality: one validator, so the best chain never reorganises.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { stringToU8a, u8aConcat, u8aToHex } from '@polkadot/util';
import { startDevChain, waitFor } from './lib/node.mjs';
import { PGT, findEvent, sendAndInclude as send } from './lib/tx.mjs';
import { callView } from './lib/views.mjs';

const ARENA = 0;

/** free + reserved (holds are reserved) of `who` at `blockHash`, as a BigInt. */
async function totalBalance(api, who, blockHash) {
  const { data } = await (await api.at(blockHash)).query.system.account(who);
  return data.free.toBigInt() + data.reserved.toBigInt();
}

async function issuance(api, blockHash) {
  return (await (await api.at(blockHash)).query.balances.totalIssuance()).toBigInt();
}

describe('contributors and sessions on pgt-node --dev', () => {
  let node;
  let api;
  let alice;
  let bob;
  let charlie;
  let session;
  let genesis;

  before(async () => {
    await cryptoWaitReady();
    ({ node, api } = await startDevChain('economy'));
    const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
    alice = keyring.addFromUri('//Alice');
    bob = keyring.addFromUri('//Bob');
    charlie = keyring.addFromUri('//Charlie');
    genesis = api.genesisHash;
  });

  after(async () => {
    await api?.disconnect();
    await node?.stop();
  });

  const profile = {
    cpuCores: 8,
    gpuModel: 'llvmpipe (LLVM 15.0.7, 256 bits)',
    gpuMemoryMb: 0,
    benchmarkScore: 1200,
    resourceHash: '0x' + '42'.repeat(32),
    diskGb: 50,
    region: 'Europe',
    peerId: '0x002408011220' + 'ab'.repeat(32),
    addresses: [],
    maxSessions: 2,
  };

  /** Alice's signature over a receipt, as her player client makes it. */
  function signReceipt(receipt) {
    const encoded = api.createType('PgtPrimitivesSessionsReceipt', receipt);
    const payload = u8aConcat(stringToU8a('pgt/receipt/v1'), genesis.toU8a(), encoded.toU8a());
    return { Sr25519: u8aToHex(alice.sign(payload)) };
  }

  test('a stake below the minimum is refused and nothing changes', async () => {
    const min = api.consts.contributors.minStake.toBigInt();
    const before = await totalBalance(api, charlie.address, await api.rpc.chain.getFinalizedHead());
    const { dispatchError, blockHash } = await send(api, api.tx.contributors.register(profile, min - 1n), charlie);
    assert.ok(dispatchError?.isModule);
    const { section, name, docs } = api.registry.findMetaError(dispatchError.asModule);
    assert.equal(`${section}.${name}`, 'contributors.StakeBelowMinimum');
    assert.match(docs.join(' '), /below `MinStake`/);
    assert.equal((await (await api.at(blockHash)).query.contributors.registry(charlie.address)).isNone, true);
    const { data } = await (await api.at(blockHash)).query.system.account(charlie.address);
    assert.equal(data.reserved.toBigInt(), 0n, 'nothing on hold');
    assert.ok(data.free.toBigInt() < before, 'only the fee was paid');
  });

  test('Bob registers with his stake on hold', async () => {
    const stake = 100n * PGT;
    const { dispatchError, events, blockHash } = await send(api, api.tx.contributors.register(profile, stake), bob);
    assert.equal(dispatchError, undefined);
    const registered = findEvent(events, 'contributors', 'Registered');
    assert.equal(registered.data.who.toString(), bob.address);
    assert.equal(registered.data.stake.toBigInt(), stake);
    const info = (await (await api.at(blockHash)).query.contributors.registry(bob.address)).unwrap();
    assert.equal(info.stake.toBigInt(), stake);
    assert.equal(info.status.toString(), 'Online');
    assert.equal(info.profile.resourceHash.toHex(), profile.resourceHash);
    const holds = await (await api.at(blockHash)).query.balances.holds(bob.address);
    assert.deepEqual(holds.map((h) => [h.id.toJSON(), h.amount.toBigInt()]), [[{ contributors: 'Stake' }, stake]]);
  });

  test('Alice requests a session naming Bob, with the escrow on hold', async () => {
    const maxRate = 100n * PGT;
    const maxDuration = 600;
    const requirements = { minCpuCores: 4, minGpuMemoryMb: 0, minBenchmarkScore: 1000, minDiskGb: 10, region: 'Europe', maxLatencyMs: 80 };
    const { dispatchError, events, blockHash } = await send(
      api, api.tx.sessions.requestSession(ARENA, requirements, maxDuration, maxRate, [bob.address]), alice);
    assert.equal(dispatchError, undefined);
    const requested = findEvent(events, 'sessions', 'SessionRequested');
    session = requested.data.session.toNumber();
    assert.equal(requested.data.host.toString(), bob.address);
    const escrow = (maxRate * BigInt(maxDuration) + 3599n) / 3600n;
    assert.equal(requested.data.escrow.toBigInt(), escrow);
    const stored = (await (await api.at(blockHash)).query.sessions.live(session)).unwrap();
    // Through JSON: every codec object has its own `.hash` (of its encoding), hiding the field.
    assert.equal(stored.task.toJSON().hash, requested.data.taskHash.toHex());
    assert.equal(stored.task.expectedDuration.toNumber(), maxDuration);
    assert.ok(stored.task.requestedAtMs.toBigInt() > 1_700_000_000_000n, 'the task package carries the block time');
    const { data } = await (await api.at(blockHash)).query.system.account(alice.address);
    assert.ok(data.reserved.toBigInt() >= escrow);
  });

  /** Whole seconds of chain time since Bob started serving `session`, at the best block. */
  async function elapsedSinceAccept() {
    const since = (await api.query.sessions.live(session)).unwrap().served[0].sinceMs.toBigInt();
    const now = (await api.query.timestamp.now()).toBigInt();
    return Number((now - since) / 1000n);
  }

  /** Waits until the chain's clock has run at least `seconds` since Bob accepted. */
  async function waitElapsed(seconds) {
    await waitFor(`${seconds} s of chain time`, async () => (await elapsedSinceAccept()) >= seconds, { timeoutMs: 120_000 });
  }

  test('bad receipts are refused: before acceptance, wrong signer', async () => {
    const receipt = { session, contributor: bob.address, secondsServed: 1, secondsPaused: 0, frames: 60, latencyP50Ms: 10, latencyP95Ms: 20, counter: 1 };
    let r = await send(api, api.tx.sessions.submitReceipt(session, receipt, signReceipt(receipt)), bob);
    assert.equal(api.registry.findMetaError(r.dispatchError.asModule).name, 'NotActive');
    r = await send(api, api.tx.sessions.acceptSession(session), bob);
    assert.equal(r.dispatchError, undefined);
    const accepted = findEvent(r.events, 'sessions', 'SessionAccepted');
    assert.ok(accepted.data.rate.toBigInt() > 0n);
    const forged = { Sr25519: u8aToHex(bob.sign(u8aConcat(stringToU8a('pgt/receipt/v1'), genesis.toU8a(), api.createType('PgtPrimitivesSessionsReceipt', receipt).toU8a()))) };
    r = await send(api, api.tx.sessions.submitReceipt(session, receipt, forged), bob);
    assert.equal(api.registry.findMetaError(r.dispatchError.asModule).name, 'BadSignature');
    r = await send(api, api.tx.sessions.submitReceipt(session + 1, receipt, signReceipt(receipt)), bob);
    assert.equal(api.registry.findMetaError(r.dispatchError.asModule).name, 'UnknownSession');
  });

  test('receipts bill no time that has not passed and never pause what was billed', async () => {
    // A whole hour in the block after acceptance: refused, nothing billed.
    const hour = { session, contributor: bob.address, secondsServed: 3600, secondsPaused: 0, frames: 216000, latencyP50Ms: 14, latencyP95Ms: 31, counter: 1 };
    let r = await send(api, api.tx.sessions.submitReceipt(session, hour, signReceipt(hour)), bob);
    assert.equal(api.registry.findMetaError(r.dispatchError.asModule).name, 'ServedBeyondElapsed');
    assert.equal((await api.query.sessions.live(session)).unwrap().served[0].secondsServed.toNumber(), 0);
  });

  test('receipts, settlement and every balance to the unit', async () => {
    await waitElapsed(12);
    const s1 = await elapsedSinceAccept();
    const r1 = { session, contributor: bob.address, secondsServed: s1, secondsPaused: 0, frames: 60 * s1, latencyP50Ms: 14, latencyP95Ms: 31, counter: 1 };
    let r = await send(api, api.tx.sessions.submitReceipt(session, r1, signReceipt(r1)), bob);
    assert.equal(r.dispatchError, undefined);
    // Pausing the seconds already billed (the player cancelling pay for delivered service).
    const cancel = { ...r1, secondsPaused: s1, counter: 2 };
    r = await send(api, api.tx.sessions.submitReceipt(session, cancel, signReceipt(cancel)), alice);
    assert.equal(api.registry.findMetaError(r.dispatchError.asModule).name, 'PausedBeyondServed');
    await waitElapsed(s1 + 20);
    const r2 = { ...r1, secondsServed: s1 + 20, secondsPaused: 10, frames: 60 * (s1 + 20), counter: 2 };
    r = await send(api, api.tx.sessions.submitReceipt(session, r2, signReceipt(r2)), alice);
    assert.equal(r.dispatchError, undefined);
    const billed = s1 + 10;
    assert.equal(findEvent(r.events, 'sessions', 'ReceiptAccepted').data.secondsBilled.toNumber(), billed);
    // Nothing added: replaying the first receipt is refused.
    r = await send(api, api.tx.sessions.submitReceipt(session, r1, signReceipt(r1)), bob);
    assert.equal(api.registry.findMetaError(r.dispatchError.asModule).name, 'StaleReceipt');
    const rate = (await api.query.sessions.live(session)).unwrap().rate.toBigInt();

    // The treasury's account: "modl" + its pallet id, zero-padded.
    const treasuryAccount = api.createType('AccountId', u8aConcat(stringToU8a('modl'), stringToU8a('pgt/trsy'), new Uint8Array(20))).toString();

    const end = await send(api, api.tx.sessions.endSession(session), bob);
    assert.equal(end.dispatchError, undefined);
    const parent = (await api.rpc.chain.getHeader(end.blockHash)).parentHash;

    const settled = findEvent(end.events, 'sessions', 'SessionSettled');
    const csu = settled.data.csu;
    const paid = rate * BigInt(billed) / 3600n;
    const burnShare = BigInt(api.consts.sessions.burnShare.toNumber());
    const treasuryShare = BigInt(api.consts.sessions.treasuryShare.toNumber());
    const burned = paid * burnShare / 100n;
    const toTreasury = paid * treasuryShare / 100n;
    const earned = paid - burned - toTreasury;
    assert.equal(csu.paid.toBigInt(), paid);
    assert.equal(csu.burned.toBigInt(), burned);
    assert.equal(csu.toTreasury.toBigInt(), toTreasury);
    assert.equal(csu.shares.length, 1);
    const share = csu.shares[0];
    assert.equal(share.contributor.toString(), bob.address);
    assert.equal(share.secondsBilled.toNumber(), billed);
    assert.equal(share.secondsPaused.toNumber(), 10);
    assert.equal(share.secondsUncommitted.toNumber(), 0, 'within the allowance for windows still open');
    assert.equal(share.earned.toBigInt(), earned);
    assert.equal(share.resourceHash.toHex(), profile.resourceHash);
    assert.equal(csu.endReason.toString(), 'Host');
    assert.equal(csu.player.toString(), alice.address);

    // The block's only transaction is Bob's end_session: its fee was split as well.
    const split = findEvent(end.events, 'fees', 'FeesSplit').data;
    const feePaid = findEvent(end.events, 'transactionPayment', 'TransactionFeePaid').data;
    assert.equal(feePaid.who.toString(), bob.address);
    const fee = feePaid.actualFee.toBigInt() + feePaid.tip.toBigInt();
    const delta = async (who) => (await totalBalance(api, who, end.blockHash)) - (await totalBalance(api, who, parent));
    // Alice authors every --dev block, so she also gets the author's share of Bob's fee.
    assert.equal(await delta(alice.address), -paid + split.toAuthor.toBigInt());
    assert.equal(await delta(bob.address), earned - fee);
    assert.equal(await delta(treasuryAccount), toTreasury + split.toTreasury.toBigInt());
    assert.equal((await issuance(api, end.blockHash)) - (await issuance(api, parent)), -(burned + split.burned.toBigInt()));
    // No escrow is left on hold, and Bob's slot is free again.
    const { data } = await (await api.at(end.blockHash)).query.system.account(alice.address);
    assert.equal(data.reserved.toBigInt(), 0n);
    const bobInfo = (await (await api.at(end.blockHash)).query.contributors.registry(bob.address)).unwrap();
    assert.equal(bobInfo.slotsInUse.toNumber(), 0);
    // Settling earns no verified hours: those come from audited windows only.
    assert.equal(bobInfo.stats.verifiedSeconds.toNumber(), 0);
  });

  test('the CSU event decodes with its documentation', async () => {
    const meta = api.events.sessions.SessionSettled.meta;
    assert.match(meta.docs.join(' '), /CPU Sharing Unit/);
    assert.deepEqual(meta.fields.map((f) => f.name.toString()), ['session', 'csu']);
    assert.ok(meta.fields.every((f) => f.docs.length > 0), 'every field is documented');
    const csuType = api.registry.lookup.getSiType(meta.fields[1].type);
    assert.match(csuType.docs.join(' '), /CPU Sharing Unit/);
    assert.ok(csuType.def.asComposite.fields.every((f) => f.docs.length > 0), 'every CSU field is documented');
    const stored = await api.query.sessions.csus(session);
    assert.ok(stored.isSome, 'the CSU record is kept in storage');
  });

  test('the leaderboard and rates are readable through view functions', async () => {
    const board = await callView(api, 'Contributors', 'leaderboard');
    assert.match(board.docs.join(' '), /top contributors/);
    assert.deepEqual(board.value.toJSON(), [], 'no audited work yet');
    const base = (await callView(api, 'Sessions', 'base_rate')).value.toBigInt();
    assert.ok(base >= api.consts.sessions.minRate.toBigInt() && base <= api.consts.sessions.maxRate.toBigInt());
    const bobRate = (await callView(api, 'Sessions', 'contributor_rate', [bob.address, ARENA])).value;
    assert.ok(bobRate.isSome && bobRate.unwrap().toBigInt() > 0n);
  });

  test('a busy contributor cannot unregister; an idle one can', async () => {
    let r = await send(api, api.tx.sessions.requestSession(ARENA, { minCpuCores: 1, minGpuMemoryMb: 0, minBenchmarkScore: 0, minDiskGb: 0, region: null, maxLatencyMs: 100 }, 60, 100n * PGT, [bob.address]), alice);
    assert.equal(r.dispatchError, undefined);
    const second = findEvent(r.events, 'sessions', 'SessionRequested').data.session.toNumber();
    r = await send(api, api.tx.contributors.unregister(), bob);
    assert.equal(api.registry.findMetaError(r.dispatchError.asModule).name, 'Busy');
    r = await send(api, api.tx.sessions.endSession(second), alice);
    assert.ok(findEvent(r.events, 'sessions', 'SessionCancelled'));
    r = await send(api, api.tx.contributors.unregister(), bob);
    assert.equal(r.dispatchError, undefined);
    assert.ok(findEvent(r.events, 'contributors', 'Unbonding'));
  });
});
