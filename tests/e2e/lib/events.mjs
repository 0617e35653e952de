// Reading the chain's events from the tests: every block's `system.events` at that block.
import { bestNumber, waitFor } from './node.mjs';

/** The events of block `n`: [{ section, method, data }]. */
async function blockEvents(api, n) {
  const hash = await api.rpc.chain.getBlockHash(n);
  return (await (await api.at(hash)).query.system.events()).map(({ event }) => event);
}

/**
 * Follows the events of blocks `from`, `from + 1`, … reading each block once, however often the
 * test looks: `update()` reads the blocks that came since the last call, `find()` searches what
 * has been read. (A test that polls by reading every block since its start again each time
 * makes the node and itself work harder with every block; with several game files on two cores
 * that starves the workers under test.)
 */
export function followEvents(api, node, from) {
  let next = from;
  const seen = [];
  return {
    async update() {
      const best = await bestNumber(node);
      for (; next <= best; next++) {
        for (const event of await blockEvents(api, next)) seen.push(event);
      }
    },
    /** The data of every event `section.method` read so far that passes `pick`, oldest first. */
    find(section, method, pick = () => true) {
      return seen.filter((e) => e.section === section && e.method === method && pick(e.data)).map((e) => e.data);
    },
  };
}

/** The data of the first event `section.method` of blocks `from`… that passes `pick`, waiting
 * for new blocks until it comes (`what` names it in the timeout's message). */
export async function waitForEvent(api, node, from, section, method, pick, { what, timeoutMs, intervalMs = 1_000 }) {
  const events = followEvents(api, node, from);
  return waitFor(what, async () => {
    await events.update();
    return events.find(section, method, pick)[0];
  }, { timeoutMs, intervalMs });
}

/** Every event `section.method` of blocks `from`…best whose data passes `pick`. */
export async function eventsSince(api, node, from, section, method, pick = () => true) {
  const events = followEvents(api, node, from);
  await events.update();
  return events.find(section, method, pick);
}
