// A real network must not start with the shielded pool's INSECURE dev verifying key (its trusted
// setup is public). `pgt-node` exports the dev chain spec, the test marks it `Live`, and the node
// refuses to start from it with a clear error; the same spec as `Development` starts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { devSpec, freePort, nodeBinary, sharedCache, tempDir } from './lib/node.mjs';

/**
 * Runs `pgt-node args` until it exits, prints something matching `started` (then stops it), or
 * `ms` pass; returns whether it started, its exit code when it exited on its own, and its output.
 */
function run(args, started, ms) {
  return new Promise((resolve) => {
    const child = spawn(nodeBinary(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let sawStart = false;
    let stopped = false;
    const stop = () => { stopped = true; child.kill('SIGTERM'); };
    const take = (d) => {
      output += d;
      if (!sawStart && started.test(output)) { sawStart = true; stop(); }
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    const timer = setTimeout(stop, ms);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ started: sawStart, code: stopped ? null : code, output });
    });
  });
}

test('a Live chain spec with the INSECURE dev verifying key is refused', async () => {
  const spec = devSpec();
  const dir = tempDir('chainspec');
  // The runtime compiled once for every test node (lib/node.mjs sharedCache), not once more here.
  const args = async (file) => ['--chain', file, '--tmp', '--port', String(await freePort()), '--rpc-port', String(await freePort()), '--no-prometheus', '--no-telemetry',
    '--wasm-cache', join(sharedCache(), 'wasm')];

  spec.chainType = 'Live';
  const live = join(dir, 'live.json');
  writeFileSync(live, JSON.stringify(spec));
  const rpcUp = /Running JSON-RPC server/;
  const refused = await run(await args(live), rpcUp, 180_000);
  assert.equal(refused.started, false, 'the node must not start');
  assert.ok(refused.code !== null && refused.code !== 0, `the node must exit with an error: ${refused.output.slice(-2000)}`);
  assert.match(refused.output, /INSECURE dev verifying key/);

  spec.chainType = 'Development';
  const dev = join(dir, 'dev.json');
  writeFileSync(dev, JSON.stringify(spec));
  const started = await run(await args(dev), rpcUp, 180_000);
  assert.ok(started.started, `a Development spec starts: ${started.output.slice(-2000)}`);
});
