// A real network must not start with the shielded pool's INSECURE dev verifying key (its trusted
// setup is public). `pgt-node` exports the dev chain spec, the test marks it `Live`, and the node
// refuses to start from it with a clear error; the same spec as `Development` starts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, nodeBinary, tempDir } from './lib/node.mjs';

/** Runs `pgt-node args` until it exits or `ms` pass; returns its exit code (null: still running) and output. */
function runFor(args, ms) {
  return new Promise((resolve) => {
    const child = spawn(nodeBinary(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => { output += d; });
    child.stderr.on('data', (d) => { output += d; });
    const timer = setTimeout(() => { child.kill('SIGTERM'); }, ms);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: signal ? null : code, output });
    });
  });
}

test('a Live chain spec with the INSECURE dev verifying key is refused', async () => {
  const exported = spawnSync(nodeBinary(), ['build-spec', '--chain', 'dev', '--disable-default-bootnode'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(exported.status, 0, exported.stderr);
  const spec = JSON.parse(exported.stdout);
  const dir = tempDir('chainspec');
  const args = async (file) => ['--chain', file, '--tmp', '--port', String(await freePort()), '--rpc-port', String(await freePort()), '--no-prometheus', '--no-telemetry'];

  spec.chainType = 'Live';
  const live = join(dir, 'live.json');
  writeFileSync(live, JSON.stringify(spec));
  const refused = await runFor(await args(live), 60_000);
  assert.notEqual(refused.code, 0, 'the node must not start');
  assert.notEqual(refused.code, null, 'the node must exit, not run');
  assert.match(refused.output, /INSECURE dev verifying key/);

  spec.chainType = 'Development';
  const dev = join(dir, 'dev.json');
  writeFileSync(dev, JSON.stringify(spec));
  const started = await runFor(await args(dev), 15_000);
  assert.equal(started.code, null, `a Development spec starts: ${started.output.slice(-2000)}`);
});
