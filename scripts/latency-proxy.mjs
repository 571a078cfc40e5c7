/**
 * A loopback TCP proxy that adds round-trip time, for the bench's WAN row: every chunk read from
 * either side is written to the other half the round-trip time later (so a request and its reply
 * take one RTT more), in order, and an end or reset follows the last chunk. Its own handshakes are
 * on loopback and cost nothing: what it adds is exactly RTT per exchange, as a WAN path does
 * (bandwidth and loss aside). Written for the bench: no maintained package does this in-process
 * (tc netem needs root and would slow every loopback figure of the machine).
 *
 *   const proxy = await startLatencyProxy({ port: server.port, rttMs: 100 });
 *   // connect to 127.0.0.1:proxy.port …
 *   await proxy.close();
 */
import net from 'node:net';

/** Writes what `from` reads to `to`, `delayMs` later, keeping the order; ends or resets `to` likewise. */
function delayed(from, to, delayMs) {
  from.on('data', (chunk) => setTimeout(() => to.destroyed || to.write(chunk), delayMs));
  from.on('end', () => setTimeout(() => to.destroyed || to.end(), delayMs));
  from.on('error', () => setTimeout(() => to.destroyed || to.resetAndDestroy(), delayMs));
}

/** Listens on 127.0.0.1 (an ephemeral port) and forwards each connection to 127.0.0.1:`port`. */
export async function startLatencyProxy({ port, rttMs }) {
  const sockets = new Set();
  const track = (socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('close', () => sockets.delete(socket));
  };
  const server = net.createServer((client) => {
    const upstream = net.connect({ host: '127.0.0.1', port });
    track(client);
    track(upstream);
    delayed(client, upstream, rttMs / 2);
    delayed(upstream, client, rttMs / 2);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const { port: proxyPort } = /** @type {net.AddressInfo} */ (server.address());
  return {
    port: proxyPort,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve(undefined));
      }),
  };
}
