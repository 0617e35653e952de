// A UDP relay on loopback that delays every datagram, both ways, by a delay the test switches
// on and off: the player–host path of a QUIC session with added latency.
//
// `tc qdisc … netem` would do this in the kernel, but the kernels of our CI machines are built
// without sch_netem ("Error: Specified qdisc kind is unknown"; only pfifo, tbf and htb), so the
// delay is added here, in user space, on the real datagrams of the real binaries.
import dgram from 'node:dgram';

/** Starts a relay in front of 127.0.0.1:`targetPort`; `relay.delayMs` is the delay each way. */
export async function startDelayRelay(targetPort) {
  const front = dgram.createSocket('udp4');
  await new Promise((resolve) => front.bind(0, '127.0.0.1', resolve));
  const backs = new Map();
  const relay = {
    port: front.address().port,
    delayMs: 0,
    /** Datagrams relayed each way. */
    forwarded: 0,
    returned: 0,
    close() {
      for (const b of backs.values()) b.close();
      front.close();
    },
  };
  const later = (fn) => (relay.delayMs > 0 ? setTimeout(fn, relay.delayMs) : fn());
  front.on('message', (msg, from) => {
    const key = `${from.address}:${from.port}`;
    let back = backs.get(key);
    if (!back) {
      // One socket towards the target per client, so its answers find their way back.
      back = dgram.createSocket('udp4');
      back.bind(0, '127.0.0.1');
      back.on('message', (answer) => later(() => { relay.returned++; front.send(answer, from.port, from.address); }));
      backs.set(key, back);
    }
    later(() => { relay.forwarded++; back.send(msg, targetPort, '127.0.0.1'); });
  });
  return relay;
}
