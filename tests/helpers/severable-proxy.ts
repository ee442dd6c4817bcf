import net from 'node:net';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';

/** A TCP proxy in front of a server that a test can sever: a real cut of every connection through it. */
export interface SeverableProxy {
  /** The proxy's origin, e.g. http://127.0.0.1:40123: the target's paths, through the proxy. */
  origin: string;
  /** Resets every open connection and refuses new ones until restore(): like a cable pulled out. */
  sever(): void;
  restore(): void;
  stop(): Promise<void>;
}

export async function startSeverableProxy(target: string): Promise<SeverableProxy> {
  const { hostname, port } = new URL(target);
  const open = new Set<net.Socket>();
  let severed = false;
  const track = (socket: net.Socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  };
  const server = net.createServer((client) => {
    if (severed) return void client.resetAndDestroy();
    const upstream = net.connect(Number(port), hostname === 'localhost' ? '127.0.0.1' : hostname);
    track(client);
    track(upstream);
    client.pipe(upstream).pipe(client);
    // One side gone takes the other with it, as a broken link would.
    client.once('error', () => upstream.destroy());
    upstream.once('error', () => client.destroy());
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    sever() {
      severed = true;
      for (const socket of open) socket.resetAndDestroy();
    },
    restore() {
      severed = false;
    },
    async stop() {
      for (const socket of open) socket.destroy();
      server.close();
      await once(server, 'close');
    },
  };
}
