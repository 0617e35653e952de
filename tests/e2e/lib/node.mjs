// Starts and stops real pgt-node processes for the end-to-end tests.
//
// Every node gets free loopback ports and its own base path under a temporary folder; its
// output goes to a log file that is printed when a test fails.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, mkdirSync, createWriteStream, readFileSync, existsSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, homedir } from 'node:os';
import { join } from 'node:path';
import { ApiPromise, WsProvider } from '@polkadot/api';

/** Path of the pgt-node binary under test (PGT_NODE_BIN, else the shared cargo target dir). */
export function nodeBinary() {
  const bin = process.env.PGT_NODE_BIN
    ?? join(process.env.CARGO_TARGET_DIR ?? join(homedir(), '.cache/pgt/target'), 'release/pgt-node');
  if (!existsSync(bin)) {
    throw new Error(`pgt-node not found at ${bin}: build it with scripts/test or set PGT_NODE_BIN`);
  }
  return bin;
}

/**
 * Folder shared by every test node on this machine (PGT_E2E_CACHE, else one under the system's
 * temporary folder): the runtime compiled to machine code (`--wasm-cache`) and raw chain specs
 * (`rawSpec`). Compiling the runtime costs about 6.5 CPU-seconds, and a node started from a
 * built-in or patched spec compiles it twice more to build its genesis: eight nodes starting at
 * once on the 2-core CI machine took over two minutes to answer RPC. Entries are keyed by what
 * they were made from (the runtime's hash; the node binary and the patch), so a stale one is
 * never used.
 */
export function sharedCache() {
  const dir = process.env.PGT_E2E_CACHE ?? join(tmpdir(), 'pgt-e2e-cache');
  mkdirSync(join(dir, 'specs'), { recursive: true });
  return dir;
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** A fresh temporary folder for a test's nodes. */
export function tempDir(prefix) {
  return mkdtempSync(join(tmpdir(), `pgt-${prefix}-`));
}

/**
 * Resolves to `{ timeout: true }` after `ms`, for a race against something that should finish
 * first. Its timer does not keep the test process alive: a race that is won leaves no timer
 * behind (a pending 240-second timer held a finished test file's process open for minutes).
 */
export function timeoutAfter(ms) {
  return new Promise((resolve) => setTimeout(() => resolve({ timeout: true }), ms).unref());
}

/** Polls `check` until it returns a truthy value; fails with `what` after `timeoutMs`. */
export async function waitFor(what, check, { timeoutMs = 120_000, intervalMs = 500 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value) return value;
    } catch (e) {
      if (e.fatal) throw e;
      lastError = e;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${lastError.message}` : ''}`);
}

/**
 * Starts a pgt-node. `args` are extra CLI arguments; ports and base path are chosen here
 * (pass `basePath` to reuse one, e.g. when restarting a validator).
 */
export async function startNode({ name, args = [], basePath, dir, nodeKey }) {
  const rpcPort = await freePort();
  const p2pPort = await freePort();
  const prometheusPort = await freePort();
  const base = basePath ?? join(dir ?? tempDir(name), name);
  const logPath = `${base}.log`;
  // A restarted node appends to its log: only what this run writes tells its ports.
  const logStart = existsSync(logPath) ? statSync(logPath).size : 0;
  const log = createWriteStream(logPath, { flags: 'a' });
  const fullArgs = [
    '--base-path', base,
    '--name', name,
    '--rpc-port', String(rpcPort),
    '--port', String(p2pPort),
    '--prometheus-port', String(prometheusPort),
    '--no-telemetry',
    '--no-mdns',
    '--rpc-cors', 'all',
    '--wasm-cache', join(sharedCache(), 'wasm'),
    // A fixed network key per node name: validators must have one, and a restarted node keeps
    // its peer id.
    '--node-key', nodeKey ?? createHash('sha256').update(`pgt-e2e/${name}`).digest('hex'),
    ...args,
  ];
  const proc = spawn(nodeBinary(), fullArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout.pipe(log);
  proc.stderr.pipe(log);
  const node = {
    name,
    proc,
    basePath: base,
    logPath,
    rpcPort,
    p2pPort,
    prometheusPort,
    rpcUrl: `ws://127.0.0.1:${rpcPort}`,
    exited: false,
    /** Last lines of the node's log, for failure messages. */
    tail(lines = 40) {
      try {
        return readFileSync(logPath, 'utf8').split('\n').slice(-lines).join('\n');
      } catch {
        return '';
      }
    },
    /** Stops the node: SIGINT (clean shutdown) by default, SIGKILL to simulate a crash. */
    async stop(signal = 'SIGINT') {
      if (node.exited) return;
      const done = new Promise((r) => proc.once('exit', r));
      proc.kill(signal);
      const timer = setTimeout(() => proc.kill('SIGKILL'), 20_000);
      await done;
      clearTimeout(timer);
    },
  };
  proc.once('exit', () => { node.exited = true; });
  // 'close' comes after the output pipes are drained, so the log is complete by then.
  const closed = new Promise((resolve) => proc.once('close', (code, signal) => resolve({ code, signal })));
  const early = closed.then(async ({ code, signal }) => {
    await new Promise((r) => log.end(r));
    const err = new Error(`${name} exited (code ${code}, signal ${signal}) before serving RPC:\n${node.tail()}`);
    err.fatal = true;
    throw err;
  });
  // The node binds another port when the one asked for was taken in the meantime (another test's
  // node, started at the same moment): the ports it reports in its log are the truth, and a node
  // on the asked port that answers RPC may be someone else's.
  const bound = (pattern) => {
    try {
      return readFileSync(logPath).subarray(logStart).toString('utf8').match(pattern)?.[1];
    } catch {
      return undefined;
    }
  };
  const up = waitFor(`${name} to answer RPC`, async () => {
    if (node.exited) await early;
    const port = bound(/Running JSON-RPC server: addr=127\.0\.0\.1:(\d+)/);
    if (!port) return false;
    node.rpcPort = Number(port);
    node.rpcUrl = `ws://127.0.0.1:${port}`;
    node.prometheusPort = Number(bound(/Prometheus exporter started at 127\.0\.0\.1:(\d+)/) ?? node.prometheusPort);
    return (await rpc(node, 'system_health', [])) !== undefined;
  }, { timeoutMs: 180_000 });
  early.catch(() => {}); // a later exit is the test's business, not startup's
  try {
    await Promise.race([up, early]);
  } catch (e) {
    // A node that never came up is not left running (it would hold the test process open).
    proc.kill('SIGKILL');
    e.message += `\n--- ${name}'s log ---\n${node.tail()}`;
    throw e;
  }
  return node;
}

/** One JSON-RPC call over HTTP (the node serves HTTP and WebSocket on the same port). */
export async function rpc(node, method, params = []) {
  const res = await fetch(`http://127.0.0.1:${node.rpcPort}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const body = await res.json();
  if (body.error) {
    const err = new Error(`${method}: ${body.error.message}${body.error.data ? ` (${body.error.data})` : ''}`);
    err.rpc = body.error;
    throw err;
  }
  return body.result;
}

/** Number of the node's finalized head. */
export async function finalizedNumber(node) {
  const hash = await rpc(node, 'chain_getFinalizedHead');
  const header = await rpc(node, 'chain_getHeader', [hash]);
  return parseInt(header.number, 16);
}

/** Number of the node's best block. */
export async function bestNumber(node) {
  const header = await rpc(node, 'chain_getHeader');
  return parseInt(header.number, 16);
}

/** An @polkadot/api client of the node, with no custom types. */
export async function connect(node) {
  const provider = new WsProvider(node.rpcUrl, 1000, {}, 30_000);
  return ApiPromise.create({ provider, noInitWarn: true, throwOnConnect: true });
}

/** The dev chain spec as `pgt-node build-spec --chain dev` exports it (parsed JSON). */
export function devSpec() {
  return JSON.parse(buildSpec(['--chain', 'dev']));
}

/** What `pgt-node build-spec args` prints (the spec's JSON text). */
function buildSpec(args) {
  const exported = spawnSync(nodeBinary(), ['build-spec', ...args, '--disable-default-bootnode'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (exported.status !== 0) throw new Error(`pgt-node build-spec failed (status ${exported.status}): ${exported.stderr}`);
  return exported.stdout;
}

/**
 * A raw chain spec (genesis storage already built) of the built-in chain `chain` ('dev' or
 * 'local') with `patch` merged into its genesis (e.g. `{ work: { windowLength: 3 } }`); returns
 * its path. Made once per node binary and patch, in `sharedCache()`: a node started from it
 * does not build its genesis itself.
 */
export function rawSpec(chain, patch = {}) {
  const bin = nodeBinary();
  const { size, mtimeMs } = statSync(bin);
  const key = createHash('sha256').update(JSON.stringify([bin, size, mtimeMs, chain, patch])).digest('hex').slice(0, 32);
  const file = join(sharedCache(), 'specs', `${chain}-${key}.json`);
  if (existsSync(file)) return file;
  const spec = JSON.parse(buildSpec(['--chain', chain]));
  const genesis = spec.genesis.runtimeGenesis;
  const field = genesis.config ? 'config' : 'patch';
  genesis[field] = merge(genesis[field] ?? {}, patch);
  const dir = tempDir(`${chain}-spec`);
  const plain = join(dir, 'plain.json');
  writeFileSync(plain, JSON.stringify(spec));
  // Written beside and renamed into place: another test file may be making the same one.
  const partial = join(dir, 'raw.json');
  writeFileSync(partial, buildSpec(['--chain', plain, '--raw']));
  renameSync(partial, file);
  return file;
}

function merge(a, b) {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null || Array.isArray(b)) return b;
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = merge(a[k], v);
  return out;
}

/**
 * Starts `pgt-node --dev` as `name` on the dev chain's raw spec (with `genesis` merged into the
 * dev chain's genesis, when given: Alice still validates alone; `builtin`: on the node's own
 * built-in dev spec instead; `extraArgs` after the chain's), waits for `finalized` finalized
 * blocks (0: none, for tests whose first act is starting workers: a worker's registration waits
 * for finality itself, so its start-up overlaps the chain's first blocks) and connects a client.
 * On failure the node is stopped and the error carries the end of its log.
 */
export async function startDevChain(name, { finalized = 1, genesis, builtin = false, extraArgs = [] } = {}) {
  const args = ['--dev', ...(builtin ? [] : ['--chain', rawSpec('dev', genesis)]), ...extraArgs];
  const node = await startNode({ name, args });
  try {
    if (finalized > 0) {
      const what = finalized === 1 ? 'a finalized block' : `${finalized} finalized blocks`;
      await waitFor(what, async () => (await finalizedNumber(node)) >= finalized, { timeoutMs: 120_000 });
    }
    return { node, api: await connect(node) };
  } catch (e) {
    const tail = node.tail();
    await node.stop();
    throw new Error(`${e.message}\n--- node log ---\n${tail}`);
  }
}
