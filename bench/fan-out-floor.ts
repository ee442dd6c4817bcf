/**
 * The floor of a fan-out on this machine: a bare `ws` server (bench/fan-out-floor.js, its own process) sending the
 * message the gateway's subscribers received to as many sockets, each under its own subscription id. Its CPU per
 * event is what `ws` (the library graphql-ws writes with) and the kernel's loopback writes cost here before anything
 * else a server does, its system time the kernel's share; the gateway's fan-out is printed as a multiple of it.
 */
import { once } from 'node:events';
import WebSocket from 'ws';
import { RUNTIME_FLAGS } from '../scripts/node-flags.js';
import { inParallel } from './graphql.js';
import { freePort, stopChild, untilReady, type BenchPlatform } from './platform.js';
import { cpuMs, systemCpuMs } from './proc.js';

export interface FanOutFloor {
  subscribers: number;
  events: number;
  /** CPU seconds of the bare server per event (user + system): from the send until every socket had the message. */
  cpuSecondsPerEvent: number;
  /** Of which system time: the kernel's writes to the sockets (on loopback, with the receiving side's work). */
  systemSecondsPerEvent: number;
}

const ENTRY = 'bench/fan-out-floor.js';

export async function measureFanOutFloor(platform: BenchPlatform, subscribers: number, payload: string, events = 3): Promise<FanOutFloor> {
  const port = await freePort();
  // The gateway's heap settings (a young generation that fits a fan-out): the same V8 under both.
  const child = platform.spawnChild('fan-out-floor', [...RUNTIME_FLAGS, ENTRY], { BENCH_FLOOR_PORT: String(port) });
  const sockets: WebSocket[] = [];
  let received = 0;
  let allReceived: (() => void) | undefined;
  const sendToAll = async () => {
    received = 0;
    let timer: NodeJS.Timeout | undefined;
    const everyone = new Promise<void>((resolve, reject) => {
      allReceived = resolve;
      timer = setTimeout(() => reject(new Error(`the floor's message reached ${received} of ${subscribers} sockets within 60 s`)), 60_000);
    });
    try {
      const answer = await fetch(`http://127.0.0.1:${port}/send`, { method: 'POST', body: payload });
      const held = Number(await answer.text());
      if (held !== subscribers) throw new Error(`the floor server held ${held} of ${subscribers} sockets`);
      await everyone;
    } finally {
      clearTimeout(timer);
    }
  };
  try {
    const listening = () => fetch(`http://127.0.0.1:${port}/`).then(() => true);
    if (!(await untilReady(child, listening, 30_000, 100))) throw new Error('the fan-out floor server did not start');
    await inParallel(
      Array.from({ length: subscribers }, (_, i) => i),
      100,
      async () => {
        const socket = new WebSocket(`ws://127.0.0.1:${port}`);
        sockets.push(socket);
        socket.on('message', () => {
          if (++received === subscribers) allReceived?.();
        });
        await once(socket, 'open');
      },
    );
    // One event unmeasured first, as the gateway's fan-out has (its first event waits for every subscription): a
    // fresh process's first pass compiles and grows its heap.
    await sendToAll();
    const [before, beforeSystem] = [await cpuMs(child.pid!), await systemCpuMs(child.pid!)];
    for (let event = 0; event < events; event++) await sendToAll();
    const [cpu, system] = [(await cpuMs(child.pid!)) - before, (await systemCpuMs(child.pid!)) - beforeSystem];
    return { subscribers, events, cpuSecondsPerEvent: cpu / events / 1000, systemSecondsPerEvent: system / events / 1000 };
  } finally {
    for (const socket of sockets) socket.terminate();
    await stopChild(child, 5000);
  }
}
