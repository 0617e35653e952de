// Verifiable work from the outside, against a real `pgt-node --dev`: Bob hosts a session and
// commits the Merkle root of a window of micro-tasks (each bound to the session, its output
// sealed with a salt); the chain challenges leaves from mixed BABE randomness; Bob opens them
// with proofs and the states they start from; Charlie, Dave and Eve are drawn as auditors, find
// their duties through the view functions, recompute, commit to their verdicts, and once all
// have committed Bob reveals his salt and the auditors their verdicts. Honest work is rewarded
// and counts as verified hours; a window of made-up outputs is slashed and forfeits its pay; a
// window of another session can't be opened. Leaves and the tree are built here exactly as the
// worker builds them (SCALE from metadata, BLAKE2b-256, Substrate's binary Merkle tree), so this
// also checks that off-chain code and the runtime agree byte for byte.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Keyring } from '@polkadot/keyring';
import { blake2AsU8a, cryptoWaitReady, encodeAddress } from '@polkadot/util-crypto';
import { stringToU8a, u8aConcat, u8aToHex } from '@polkadot/util';
import { bestNumber, startDevChain, waitFor } from './lib/node.mjs';
import { PGT, findEvent, sendAndInclude as send } from './lib/tx.mjs';
import { callView } from './lib/views.mjs';

const ARENA = 0;

const hash = (bytes) => blake2AsU8a(bytes, 256);

/** Substrate's binary Merkle tree (an odd last node is promoted): root and proof of `index`. */
function merkle(hashes, index) {
  let row = hashes;
  let pos = index;
  const proof = [];
  while (row.length > 1) {
    const sibling = pos ^ 1;
    if (sibling < row.length) proof.push(u8aToHex(row[sibling]));
    const next = [];
    for (let i = 0; i < row.length; i += 2) {
      next.push(i + 1 < row.length ? hash(u8aConcat(row[i], row[i + 1])) : row[i]);
    }
    row = next;
    pos >>= 1;
  }
  return { root: u8aToHex(row[0]), proof };
}

/** What the reference game computes for a task: stands in for pgt-compute until it exists. */
function compute(api, input) {
  return hash(api.createType('PgtPrimitivesWorkTaskInput', input).toU8a());
}

/** The canonical state frame `frame` shows (stands in for pgt-compute's encoding). */
const stateOf = (frame) => stringToU8a(`state ${frame}`);

/** The seal of an output hash with `salt`, as `pgt_primitives::work::seal` makes it. */
const seal = (outputHash, salt) => hash(u8aConcat(stringToU8a('pgt/output-seal/v1'), outputHash, salt));

/** What an auditor commits to, as `pgt_primitives::work::verdict_commitment` makes it. */
function verdictCommitment(api, id, who, hashes, nonce) {
  const encoded = api.createType('(u64, AccountId32, Vec<H256>, H256)', [id, who, hashes, nonce]).toU8a();
  return u8aToHex(hash(u8aConcat(stringToU8a('pgt/verdict/v1'), encoded)));
}

/** A window of `n` render tiles for `session`, honest unless `lie`, sealed with `salt`. */
function workWindow(api, session, n, firstFrame, lie, salt) {
  const leaves = [];
  for (let i = 0; i < n; i++) {
    const frame = firstFrame + Math.floor(i / 16);
    const input = {
      RenderTile: {
        game: ARENA,
        stateHash: u8aToHex(hash(stateOf(frame))),
        frame,
        width: 640,
        height: 360,
        tile: { x: (i % 4) * 160, y: (Math.floor(i / 4) % 4) * 90, w: 160, h: 90 },
      },
    };
    const output = lie ? hash(stringToU8a('made up')) : hash(compute(api, input));
    leaves.push({ task: { id: i, session, input }, outputSeal: u8aToHex(seal(output, salt)), frame });
  }
  const hashes = leaves.map(({ frame, ...leaf }) =>
    hash(u8aConcat(stringToU8a('pgt/task-leaf/v2'), api.createType('PgtPrimitivesWorkTaskLeaf', leaf).toU8a())));
  return {
    leaves,
    root: merkle(hashes, 0).root,
    opening: (index) => {
      const { frame, ...leaf } = leaves[index];
      return { index, leaf, proof: merkle(hashes, index).proof, state: u8aToHex(stateOf(frame)) };
    },
  };
}

describe('verifiable work on pgt-node --dev', () => {
  let node;
  let api;
  let alice;
  let bob;
  let auditors;
  let treasury;

  before(async () => {
    await cryptoWaitReady();
    ({ node, api } = await startDevChain('work'));
    const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
    alice = keyring.addFromUri('//Alice');
    bob = keyring.addFromUri('//Bob');
    auditors = ['//Charlie', '//Dave', '//Eve'].map((uri) => keyring.addFromUri(uri));
    treasury = encodeAddress(
      u8aConcat(stringToU8a('modl'), api.consts.treasury.palletId.toU8a(), new Uint8Array(20)).subarray(0, 32),
      42,
    );
  });

  after(async () => {
    await api?.disconnect();
    await node?.stop();
  });

  const profile = {
    cpuCores: 8,
    gpuModel: 'llvmpipe',
    gpuMemoryMb: 0,
    benchmarkScore: 1200,
    resourceHash: '0x' + '42'.repeat(32),
    diskGb: 50,
    region: 'Europe',
    peerId: '0x0024',
    addresses: [],
    maxSessions: 4,
  };

  async function ok(tx, signer) {
    const r = await send(api, tx, signer);
    assert.equal(r.dispatchError, undefined, r.dispatchError && r.dispatchError.toString());
    return r;
  }

  async function failsWith(tx, signer, error) {
    const r = await send(api, tx, signer);
    assert.ok(r.dispatchError?.isModule, `expected ${error}`);
    const { section, name } = api.registry.findMetaError(r.dispatchError.asModule);
    assert.equal(`${section}.${name}`, error);
    return r;
  }

  async function stakeOf(who) {
    return (await api.query.contributors.registry(who)).unwrap().stake.toBigInt();
  }

  /** Alice requests a session naming Bob, Bob accepts; returns its id. */
  async function bobServes() {
    const r = await ok(api.tx.sessions.requestSession(ARENA, {}, 3600, 100n * PGT, [bob.address]), alice);
    const session = findEvent(r.events, 'sessions', 'SessionRequested').data.session.toNumber();
    await ok(api.tx.sessions.acceptSession(session), bob);
    return session;
  }

  /** Bob commits `w` for the current window; returns the commitment id. */
  async function commit(session, w) {
    const window = Math.floor((await bestNumber(node)) / api.consts.work.windowLength.toNumber());
    const r = await ok(api.tx.work.commitWork(session, window, w.root, w.leaves.length), bob);
    const committed = findEvent(r.events, 'work', 'WorkCommitted');
    assert.equal(committed.data.root.toHex(), w.root);
    return committed.data.commitment.toNumber();
  }

  /** Waits until Bob's challenges for `id` are drawn; returns the indices. */
  async function challenges(id) {
    let duty;
    await waitFor('challenges drawn', async () => {
      const { value } = await callView(api, 'Work', 'open_challenges', [bob.address]);
      duty = value.find((d) => d.commitment.toNumber() === id);
      return duty !== undefined;
    }, { timeoutMs: 60_000 });
    return duty.indices.map((i) => i.toNumber());
  }

  /**
   * Every drawn auditor polls its duties, recomputes the leaves from their states and commits to
   * its verdicts; then Bob reveals his salt and the auditors their verdicts. Returns the
   * `Settled` event.
   */
  async function audit(id, salt) {
    const drawn = (await callView(api, 'Work', 'commitment', [id])).value.unwrap().auditors.map((a) => a.who.toString());
    assert.deepEqual([...drawn].sort(), auditors.map((a) => a.address).sort(), 'the three contributors outside the session');
    const verdicts = new Map();
    const commits = [];
    for (const auditor of auditors) {
      const { value } = await callView(api, 'Work', 'audit_duties', [auditor.address]);
      const duty = value.find((d) => d.commitment.toNumber() === id);
      assert.ok(duty, `${auditor.address} has an audit duty`);
      assert.equal(duty.kind.toString(), 'CommitVerdicts');
      // The duty carries each task's starting state; the claim is only a seal.
      duty.leaves.forEach((leaf, i) => assert.equal(u8aToHex(hash(duty.states[i])), leaf.task.input.asRenderTile.stateHash.toHex()));
      const hashes = duty.leaves.map((leaf) => u8aToHex(hash(compute(api, leaf.task.input))));
      const nonce = u8aToHex(hash(stringToU8a(`nonce ${auditor.address} ${id}`)));
      verdicts.set(auditor.address, { hashes, nonce });
      commits.push(send(api, api.tx.work.commitVerdicts(id, verdictCommitment(api, id, auditor.address, hashes, nonce)), auditor));
    }
    for (const r of await Promise.all(commits)) assert.equal(r.dispatchError, undefined);
    const reveals = [send(api, api.tx.work.revealSalt(id, u8aToHex(salt)), bob)];
    for (const auditor of auditors) {
      const { hashes, nonce } = verdicts.get(auditor.address);
      reveals.push(send(api, api.tx.work.revealVerdicts(id, hashes, nonce), auditor));
    }
    const all = await Promise.all(reveals);
    for (const r of all) assert.equal(r.dispatchError, undefined, r.dispatchError && r.dispatchError.toString());
    const settled = all.flatMap((r) => r.events).find((e) => e.section === 'work' && e.method === 'Settled');
    assert.ok(settled, 'the last reveal settles the commitment');
    return settled;
  }

  test('contributors register; the treasury can pay audit rewards', async () => {
    const stake = api.consts.contributors.minStake.toBigInt();
    await Promise.all([bob, ...auditors].map((k) => ok(api.tx.contributors.register(profile, stake), k)));
    await ok(api.tx.balances.transferKeepAlive(treasury, PGT), alice);
  });

  test('honest work: committed, challenged, opened, audited, rewarded', async () => {
    const session = await bobServes();
    const n = api.consts.work.minTasksPerWindow.toNumber();
    const salt = hash(stringToU8a('honest salt'));
    const w = workWindow(api, session, n, 0, false, salt);
    // Too few leaves for a window is refused.
    const window0 = Math.floor((await bestNumber(node)) / api.consts.work.windowLength.toNumber());
    await failsWith(api.tx.work.commitWork(session, window0, w.root, n - 1), bob, 'work.TooFewTasks');
    const id = await commit(session, w);

    // Bad input changes nothing: a second commitment for the window, a commitment for a
    // session one does not host.
    const window = (await callView(api, 'Work', 'commitment', [id])).value.unwrap().window.toNumber();
    await failsWith(api.tx.work.commitWork(session, window, w.root, n), bob, 'work.AlreadyCommitted');
    await failsWith(api.tx.work.commitWork(session, window, w.root, n), auditors[0], 'work.NotServing');
    assert.equal((await api.query.work.nextCommitmentId()).toNumber(), id + 1);

    const indices = await challenges(id);
    assert.equal(indices.length, api.consts.work.challengesPerWindow.toNumber());
    assert.ok(indices.every((i) => i >= 0 && i < n));

    // A leaf that was never committed is refused, and so is a state the task does not name. The
    // forged leaf is the challenged one with another output seal and nothing else changed: its
    // task, and so the state it names, are right, so only the Merkle proof can refuse it.
    const forged = w.opening(indices[0]);
    forged.leaf = { ...forged.leaf, outputSeal: u8aToHex(seal(hash(stringToU8a('never committed')), salt)) };
    await failsWith(api.tx.work.openLeaves(id, [forged]), bob, 'work.BadProof');
    await failsWith(api.tx.work.openLeaves(id, [{ ...w.opening(indices[0]), state: u8aToHex(stateOf(99_999)) }]), bob, 'work.StateMismatch');

    const before = await api.query.system.account(treasury);
    const r = await ok(api.tx.work.openLeaves(id, indices.map(w.opening)), bob);
    assert.ok(findEvent(r.events, 'work', 'LeavesOpened'));
    const stakeBefore = await stakeOf(bob.address);

    const settled = await audit(id, salt);
    assert.equal(settled.data.verdict.toString(), 'Honest');
    assert.equal(settled.data.rewarded.length, 3);
    assert.equal(settled.data.penalised.length, 0);
    assert.equal(await stakeOf(bob.address), stakeBefore);
    const after = await api.query.system.account(treasury);
    assert.ok(after.data.free.toBigInt() < before.data.free.toBigInt(), 'rewards came from the treasury');
    // The audited window counts as verified work, on the leaderboard too.
    const stats = (await api.query.contributors.registry(bob.address)).unwrap().stats;
    assert.equal(stats.verifiedSeconds.toNumber(), api.consts.work.windowSeconds.toNumber());
    const board = (await callView(api, 'Contributors', 'leaderboard')).value.toJSON();
    assert.deepEqual(board, [[bob.address, api.consts.work.windowSeconds.toNumber()]]);
  });

  test('made-up outputs: slashed, pay forfeited', async () => {
    const session = await bobServes();
    const salt = hash(stringToU8a('lying salt'));
    const w = workWindow(api, session, api.consts.work.minTasksPerWindow.toNumber(), 1000, true, salt);
    const id = await commit(session, w);
    const indices = await challenges(id);
    await ok(api.tx.work.openLeaves(id, indices.map(w.opening)), bob);
    const stakeBefore = await stakeOf(bob.address);

    const settled = await audit(id, salt);
    assert.equal(settled.data.verdict.toString(), 'Wrong');
    const share = api.consts.work.slashShare.toNumber(); // parts per billion
    const slashed = stakeBefore * BigInt(share) / 1_000_000_000n;
    assert.equal(settled.data.slashed.toBigInt(), slashed);
    assert.equal(await stakeOf(bob.address), stakeBefore - slashed);
    assert.equal(settled.data.secondsForfeited.toNumber(), api.consts.work.windowSeconds.toNumber());
    const served = (await api.query.sessions.live(session)).unwrap().served.toJSON();
    assert.equal(served[0].secondsForfeited, api.consts.work.windowSeconds.toNumber());
    // Below the minimum stake Bob gets no work until he tops it up.
    const r = await ok(api.tx.contributors.bondExtra(slashed), bob);
    assert.equal(findEvent(r.events, 'contributors', 'Bonded').data.stake.toBigInt(), stakeBefore);
  });

  test("another session's window cannot be opened for this one", async () => {
    const session = await bobServes();
    const n = api.consts.work.minTasksPerWindow.toNumber();
    const salt = hash(stringToU8a('reused salt'));
    // One precomputed window, made for some other session, committed here.
    const w = workWindow(api, session + 1_000, n, 5_000, false, salt);
    const id = await commit(session, w);
    const indices = await challenges(id);
    // Last in this file: the window fails (MissingOpening) at its close and Bob is slashed.
    await failsWith(api.tx.work.openLeaves(id, indices.map(w.opening)), bob, 'work.TaskOfOtherSession');
  });
});
