/**
 * The floor of a fan-out on this machine: a bare `ws` server (bench/fan-out-floor.js, its own process) sending the
 * message the gateway's subscribers received to as many sockets, each under its own subscription id. Its CPU per
 * event is what the kernel's loopback writes and the least a WebSocket server does cost here, whatever else a
 * server does; the gateway's fan-out is printed as a multiple of it.
 */
import { once } from 'node:events';
import WebSocket from 'ws';
import { V8_FLAGS } from '../scripts/node-flags.js';
import { inParallel } from './graphql.js';
import { percentile } from './load.js';
import { freePort, type BenchPlatform } from './platform.js';
import { cpuMs } from './proc.js';

export interface FanOutFloor {
  subscribers: number;
  events: number;
  /** CPU seconds of the bare server per event: from the send until every socket had the message. */
  cpuSecondsPerEvent: number;
  /** From the send to each socket (ms), over all events. */
  p99: number;
}

const ENTRY = 'bench/fan-out-floor.js';

export async function measureFanOutFloor(platform: BenchPlatform, subscribers: number, payload: string, events = 3): Promise<FanOutFloor> {
  const port = await freePort();
  // The gateway's heap settings (a young generation that fits a fan-out): the same V8 under both.
  const child = platform.spawnChild('fan-out-floor', [...V8_FLAGS, ENTRY], { BENCH_FLOOR_PORT: String(port) });
  const sockets: WebSocket[] = [];
  let received = 0;
  let allReceived: (() => void) | undefined;
  const arrivals: number[] = [];
  try {
    await waitListening(port, child);
    await inParallel(
      Array.from({ length: subscribers }, (_, i) => i),
      100,
      async () => {
        const socket = new WebSocket(`ws://127.0.0.1:${port}`);
        sockets.push(socket);
        socket.on('message', () => {
          arrivals.push(performance.now());
          if (++received === subscribers) allReceived?.();
        });
        await once(socket, 'open');
      },
    );
    let cpu = 0;
    const latencies: number[] = [];
    for (let event = 0; event < events; event++) {
      received = 0;
      arrivals.length = 0;
      const everyone = new Promise<void>((resolve, reject) => {
        allReceived = resolve;
        setTimeout(() => reject(new Error(`the floor's message reached ${received} of ${subscribers} sockets within 60 s`)), 60_000).unref();
      });
      const before = await cpuMs(child.pid!);
      const sent = performance.now();
      const answer = await fetch(`http://127.0.0.1:${port}/send`, { method: 'POST', body: payload });
      const held = Number(await answer.text());
      if (held !== subscribers) throw new Error(`the floor server held ${held} of ${subscribers} sockets`);
      await everyone;
      cpu += (await cpuMs(child.pid!)) - before;
      for (const at of arrivals) latencies.push(at - sent);
    }
    latencies.sort((a, b) => a - b);
    return { subscribers, events, cpuSecondsPerEvent: cpu / events / 1000, p99: percentile(latencies, 99) };
  } finally {
    for (const socket of sockets) socket.terminate();
    child.kill('SIGTERM');
    if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
  }
}

async function waitListening(port: number, child: ReturnType<BenchPlatform['spawnChild']>): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const up = await fetch(`http://127.0.0.1:${port}/`).then(
      () => true,
      () => false,
    );
    if (up) return;
    if (child.exitCode !== null || Date.now() > deadline) throw new Error('the fan-out floor server did not start');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
