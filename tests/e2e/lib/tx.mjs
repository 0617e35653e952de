// Sending transactions and reading their outcome, as a wallet would.

/** PGT has 12 decimals. */
export const PGT = 10n ** 12n;

/**
 * Signs and sends `tx`, resolves once its block is finalized with
 * `{ blockHash, events, dispatchError }` (events of this extrinsic only).
 * Rejects if the pool refuses it (invalid, dropped, usurped).
 */
export function sendAndFinalize(api, tx, signer, options = {}) {
  return send(api, tx, signer, options, (status) => status.isFinalized && status.asFinalized);
}

/**
 * Like `sendAndFinalize`, but resolves as soon as the transaction is in a block: enough on a
 * one-validator `--dev` chain, where the best chain never reorganises, and three times faster.
 */
export function sendAndInclude(api, tx, signer, options = {}) {
  return send(api, tx, signer, options, (status) => status.isInBlock && status.asInBlock);
}

function send(api, tx, signer, options, done) {
  return new Promise((resolve, reject) => {
    let unsub = () => {};
    tx.signAndSend(signer, options, (result) => {
      const { status, events, dispatchError, txIndex } = result;
      const blockHash = done(status);
      if (status.isInvalid || status.isDropped || status.isUsurped) {
        unsub();
        reject(new Error(`transaction ${status.type}`));
      } else if (blockHash) {
        unsub();
        resolve({
          blockHash: blockHash.toHex(),
          txIndex,
          events: events.map(({ event }) => event),
          dispatchError,
        });
      }
    }).then((u) => { unsub = u; }, reject);
  });
}

/** Finds the first event `section.method` in a list of events. */
export function findEvent(events, section, method) {
  return events.find((e) => e.section === section && e.method === method);
}

/** Free balance of `address` at `blockHash` (latest when omitted), as a BigInt. */
export async function freeBalance(api, address, blockHash) {
  const at = blockHash ? await api.at(blockHash) : api;
  const account = await at.query.system.account(address);
  return account.data.free.toBigInt();
}

/** Total issuance at `blockHash`, as a BigInt. */
export async function totalIssuance(api, blockHash) {
  const at = await api.at(blockHash);
  return (await at.query.balances.totalIssuance()).toBigInt();
}
