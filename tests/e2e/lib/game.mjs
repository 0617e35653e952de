// What the e2e tests read from a played game: the frame the page drew last, and the game a
// worker logged when its session ended.
import { waitFor } from './node.mjs';

/** The last frame drawn (number, tick, size) and the SHA-256 of the canvas's pixels, read together (`page.evaluate`). */
export const DRAWN_FRAME = `(async () => {
  const c = document.getElementById('screen');
  const frame = { ...window.pgt.lastFrame };
  const px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  const d = await crypto.subtle.digest('SHA-256', px);
  frame.sha256 = Array.from(new Uint8Array(d)).map((b) => b.toString(16).padStart(2, '0')).join('');
  return frame;
})()`;

/**
 * A worker's "game over" line for `session`: seed, last tick, state hash and the inputs it
 * applied, as `pgt-compute simulate --inputs` takes them.
 */
export async function gameOver(worker, session) {
  await waitFor(`${worker.name} to log the game`, async () => worker.log().includes('game over session=' + session), { timeoutMs: 90_000 });
  const line = worker.log().split('\n').find((l) => l.includes('game over session=' + session));
  const [, seed, tick, state] = line.match(/seed=(\d+) tick=(\d+) state=([0-9a-f]+)/);
  return { seed, tick, state, inputs: line.match(/inputs="?([0-9:,]*)/)[1] };
}
