// Starts the real pgt-worker and pgt-player binaries for the end-to-end tests; their output goes
// to log files that failing tests print.
import { spawn, execFileSync } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { nodeBinary, freePort, waitFor } from './node.mjs';

/** A binary built next to pgt-node (`PGT_<NAME>_BIN` overrides). */
export function binary(name) {
  const env = `PGT_${name.replace('pgt-', '').toUpperCase()}_BIN`;
  const bin = process.env[env] ?? join(dirname(nodeBinary()), name);
  if (!existsSync(bin)) throw new Error(`${name} not found at ${bin}: build it with scripts/test or set ${env}`);
  return bin;
}

function startProcess(bin, args, logPath, env = {}) {
  // The log is appended to (a restarted worker keeps its file); `log()` reads this run's part.
  const offset = existsSync(logPath) ? statSync(logPath).size : 0;
  const log = createWriteStream(logPath, { flags: 'a' });
  const proc = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RUST_BACKTRACE: '0', ...env } });
  let stdout = '';
  proc.stdout.on('data', (d) => { stdout += d; log.write(d); });
  proc.stderr.pipe(log);
  const handle = {
    proc,
    logPath,
    exited: false,
    exit: new Promise((resolve) => proc.once('close', (code, signal) => resolve({ code, signal }))),
    stdout: () => stdout,
    log: () => { try { return readFileSync(logPath).subarray(offset).toString('utf8'); } catch { return ''; } },
    tail: (lines = 30) => handle.log().split('\n').slice(-lines).join('\n'),
    async stop(signal = 'SIGINT', graceMs = 60_000) {
      if (handle.exited) return handle.exit;
      proc.kill(signal);
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      const r = await handle.exit;
      clearTimeout(timer);
      return r;
    },
  };
  proc.once('exit', () => { handle.exited = true; });
  return handle;
}

/** Starts `pgt-worker run` for dev account `name` (`Bob`, …) against `node` (or the RPC
 * endpoint `rpc`), listening on UDP `port` (a free one by default); waits until it is registered
 * and online (a worker that is not within `registerTimeoutMs` is killed, its log on the error). */
export async function startWorker(node, name, dir, extraArgs = [], { port, rpc = node?.rpcUrl, registerTimeoutMs = 180_000 } = {}) {
  const wdir = join(dir, `worker-${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`);
  mkdirSync(wdir, { recursive: true });
  const key = join(wdir, 'network.key');
  if (!existsSync(key)) execFileSync(binary('pgt-worker'), ['key', 'generate', '--file', key]);
  port ??= await freePort();
  const metrics = await freePort();
  const w = startProcess(binary('pgt-worker'), [
    'run', '--rpc', rpc, '--suri', `//${name}`, '--network-key', key,
    '--listen', `/ip4/127.0.0.1/udp/${port}/quic-v1`, '--data-dir', wdir,
    '--metrics', `127.0.0.1:${metrics}`, '--renderer', 'cpu', ...extraArgs,
  ], join(wdir, 'worker.log'));
  w.name = name;
  w.port = port;
  w.extraArgs = extraArgs;
  w.metricsUrl = `http://127.0.0.1:${metrics}/metrics`;
  try {
    await waitFor(`${name}'s worker to register`, async () => {
      if (w.exited) { const e = new Error(`${name}'s worker exited:\n${w.tail()}`); e.fatal = true; throw e; }
      return w.log().includes('registered and online');
    }, { timeoutMs: registerTimeoutMs });
  } catch (e) {
    await w.stop('SIGKILL');
    e.log = w.log();
    throw e;
  }
  return w;
}

/** Starts `pgt-player play` for `account`; resolves once it prints the page's URL. */
export async function startPlayer(node, account, dir, extraArgs = []) {
  const p = startProcess(binary('pgt-player'), [
    'play', '--rpc', node.rpcUrl, '--account', account, '--http', '127.0.0.1:0', ...extraArgs,
  ], join(dir, 'player.log'));
  p.url = await waitFor('the player to serve its page', async () => {
    if (p.exited) { const e = new Error(`the player exited:\n${p.tail()}`); e.fatal = true; throw e; }
    return p.stdout().match(/open (http:\/\/127\.0\.0\.1:\d+\/)/)?.[1];
  }, { timeoutMs: 180_000 });
  p.session = Number(p.stdout().match(/session (\d+) requested/)[1]);
  return p;
}

/** A metric's value from a Prometheus text page (sum over labels), or undefined. */
export async function metric(url, name) {
  const text = await (await fetch(url)).text();
  let sum;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name} `) || line.startsWith(`${name}{`)) sum = (sum ?? 0) + Number(line.split(' ').pop());
  }
  return sum;
}

/** A labelled metric's values from a Prometheus text page: { label value: value } (one label). */
export async function metricByLabel(url, name) {
  const text = await (await fetch(url)).text();
  const values = {};
  for (const line of text.split('\n')) {
    const m = line.match(new RegExp(`^${name}\\{[a-z_]+="([^"]*)"\\} (\\S+)$`));
    if (m) values[m[1]] = Number(m[2]);
  }
  return values;
}
