// Headless Chromium (Debian's chromium-headless-shell, installed by scripts/setup), driven over
// the DevTools protocol with the `ws` package: open a page, evaluate in it, press keys, close it.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { tempDir, waitFor } from './node.mjs';

/** The Chromium binary: PGT_CHROMIUM, else Debian's headless shell. */
export function chromiumBinary() {
  const bin = process.env.PGT_CHROMIUM ?? '/usr/bin/chromium-headless-shell';
  if (!existsSync(bin)) throw new Error(`headless Chromium not found at ${bin}: run scripts/setup or set PGT_CHROMIUM`);
  return bin;
}

const KEY_CODES = { ArrowUp: 38, ArrowDown: 40, ArrowLeft: 37, ArrowRight: 39, Space: 32, KeyW: 87, KeyA: 65, KeyS: 83, KeyD: 68 };

/** Starts Chromium and opens `url` in a page; returns a handle to drive it. */
export async function openPage(url) {
  const dir = tempDir('chromium');
  const profile = join(dir, 'profile');
  const logPath = join(dir, 'chromium.log');
  const log = createWriteStream(logPath);
  const proc = spawn(chromiumBinary(), [
    // Port 0: Chromium picks a free port and writes it to DevToolsActivePort in its profile, so
    // no other process can take it between our choosing and its binding.
    '--remote-debugging-port=0',
    `--user-data-dir=${profile}`,
    '--no-sandbox', '--no-first-run', '--disable-gpu', '--mute-audio',
    // A page in the background must not be throttled: it is the only one.
    '--disable-background-timer-throttling', '--disable-renderer-backgrounding',
    'about:blank',
  // Its own process group: Debian's launcher is a script, and Chromium forks helpers; closing
  // kills them all.
  ], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  proc.stdout.pipe(log);
  proc.stderr.pipe(log);
  let exited = false;
  proc.once('exit', () => { exited = true; });
  const tail = () => { try { return readFileSync(logPath, 'utf8').split('\n').slice(-20).join('\n'); } catch { return ''; } };
  const port = await waitFor('Chromium to serve DevTools', async () => {
    if (exited) { const e = new Error(`Chromium exited:\n${tail()}`); e.fatal = true; throw e; }
    const active = join(profile, 'DevToolsActivePort');
    const port = existsSync(active) ? Number(readFileSync(active, 'utf8').split('\n')[0]) : 0;
    return port > 0 && (await fetch(`http://127.0.0.1:${port}/json/version`)).ok && port;
  }, { timeoutMs: 30_000, intervalMs: 200 });
  const target = await (await fetch(`http://127.0.0.1:${port}/json/new?${url}`, { method: 'PUT' })).json();
  const ws = new WebSocket(target.webSocketDebuggerUrl, { perMessageDeflate: false });
  await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
  let nextId = 1;
  const pending = new Map();
  ws.on('message', (data) => {
    const m = JSON.parse(data.toString());
    if (m.id && pending.has(m.id)) {
      const { resolve, reject } = pending.get(m.id);
      pending.delete(m.id);
      if (m.error) reject(new Error(`${m.error.message} (${m.error.code})`)); else resolve(m.result);
    }
  });
  // Every command gets an answer within 30 s, or fails (a closed page answers nothing).
  const send = (method, params = {}) => new Promise((resolve, reject) => {
    const id = nextId++;
    const timer = setTimeout(() => { pending.delete(id); reject(new Error(`DevTools did not answer ${method}`)); }, 30_000);
    pending.set(id, { resolve: (v) => { clearTimeout(timer); resolve(v); }, reject: (e) => { clearTimeout(timer); reject(e); } });
    ws.send(JSON.stringify({ id, method, params }));
  });
  const page = {
    send,
    /** Evaluates `expression` in the page (awaiting a promise) and returns its value. */
    async evaluate(expression) {
      const r = await send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true });
      if (r.exceptionDetails) throw new Error(`in the page: ${r.exceptionDetails.exception?.description ?? r.exceptionDetails.text}`);
      return r.result.value;
    },
    /** Presses (`keyDown`) or releases (`keyUp`) a key by its `code`. */
    async key(type, code) {
      const key = code.startsWith('Key') ? code.slice(3).toLowerCase() : code === 'Space' ? ' ' : code;
      await send('Input.dispatchKeyEvent', { type, code, key, windowsVirtualKeyCode: KEY_CODES[code] ?? 0 });
    },
    /** Closes the page (as a player closing the tab), then Chromium. */
    async close() {
      await Promise.race([send('Page.close').catch(() => {}), new Promise((r) => setTimeout(r, 2000))]);
      await new Promise((r) => setTimeout(r, 300));
      ws.close();
      const group = (signal) => { try { process.kill(-proc.pid, signal); } catch { /* gone */ } };
      const done = exited ? Promise.resolve() : new Promise((r) => proc.once('exit', r));
      group('SIGTERM');
      const timer = setTimeout(() => group('SIGKILL'), 3000);
      await done;
      clearTimeout(timer);
      group('SIGKILL');
    },
    tail,
  };
  await send('Runtime.enable');
  return page;
}
