// A JSON-RPC endpoint that lies: a WebSocket proxy in front of a real node that passes every
// request through and rewrites chosen answers. What a dishonest or compromised RPC provider
// could do to a wallet that believes it.
import { bnToU8a, u8aToHex } from '@polkadot/util';
import { WebSocketServer, WebSocket } from 'ws';
import { freePort } from './node.mjs';

/**
 * Starts a proxy to `node` (its `rpcUrl`). `lies` maps a method name to a function that takes
 * the node's `result` (and the request's params) and returns the result to send instead (a
 * subscription's notifications: keyed by the notification's method); the
 * set can be changed while the proxy runs (`proxy.lies = {...}`). Returns
 * `{ url, lies, told, connections, close() }`; `told[method]` counts the answers rewritten,
 * `connections` the clients that connected.
 */
export async function startLyingProxy(node, lies = {}) {
  const port = await freePort();
  const server = new WebSocketServer({ host: '127.0.0.1', port });
  await new Promise((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const proxy = {
    url: `ws://127.0.0.1:${port}`,
    lies,
    told: {},
    connections: 0,
    async close() {
      for (const client of server.clients) client.terminate();
      await new Promise((r) => server.close(r));
    },
  };
  server.on('connection', (client) => {
    proxy.connections += 1;
    const upstream = new WebSocket(node.rpcUrl);
    const pending = []; // what the client sent before the node's socket opened
    const asked = new Map(); // request id -> { method, params }
    upstream.on('open', () => { for (const m of pending.splice(0)) upstream.send(m); });
    client.on('message', (data) => {
      const text = data.toString();
      try {
        const msg = JSON.parse(text);
        for (const m of Array.isArray(msg) ? msg : [msg]) {
          if (m && m.id !== undefined && m.method) asked.set(m.id, { method: m.method, params: m.params });
        }
      } catch { /* not JSON: the node will say so */ }
      if (upstream.readyState === WebSocket.OPEN) upstream.send(text);
      else pending.push(text);
    });
    upstream.on('message', (data) => {
      let text = data.toString();
      try {
        const msg = JSON.parse(text);
        const request = msg.id !== undefined ? asked.get(msg.id) : undefined;
        if (request) asked.delete(msg.id);
        const lie = request && proxy.lies[request.method];
        if (lie && msg.result !== undefined && msg.result !== null) {
          msg.result = lie(msg.result, request.params);
          proxy.told[request.method] = (proxy.told[request.method] ?? 0) + 1;
          text = JSON.stringify(msg);
        }
        // A subscription's notification: `lies` keyed by its method (e.g. grandpa_justifications).
        const told = msg.method && msg.params?.result !== undefined ? proxy.lies[msg.method] : undefined;
        if (told) {
          msg.params.result = told(msg.params.result);
          proxy.told[msg.method] = (proxy.told[msg.method] ?? 0) + 1;
          text = JSON.stringify(msg);
        }
      } catch { /* pass through what we cannot read */ }
      if (client.readyState === WebSocket.OPEN) client.send(text);
    });
    const closeBoth = () => { client.close(); upstream.close(); };
    client.on('close', closeBoth);
    upstream.on('close', closeBoth);
    client.on('error', closeBoth);
    upstream.on('error', closeBoth);
  });
  return proxy;
}

/** `hex` (0x…) with every occurrence of the bytes `from` replaced by `to` (both 0x… hex, same length). */
export function replaceBytes(hex, from, to) {
  const bytes = Buffer.from(hex.slice(2), 'hex');
  const needle = Buffer.from(from.slice(2), 'hex');
  const replacement = Buffer.from(to.slice(2), 'hex');
  if (needle.length !== replacement.length) throw new Error('replaceBytes: from and to differ in length');
  for (let at = bytes.indexOf(needle); at !== -1; at = bytes.indexOf(needle, at + needle.length)) {
    replacement.copy(bytes, at);
  }
  return `0x${bytes.toString('hex')}`;
}

/** The little-endian hex (0x…) of a u128, as SCALE encodes balances. */
export function u128Le(value) {
  return u8aToHex(bnToU8a(BigInt(value), { bitLength: 128, isLe: true }));
}
