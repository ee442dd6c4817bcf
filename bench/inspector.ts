/**
 * A process's memory after a full garbage collection, through its inspector (opened on demand with SIGUSR1 at the
 * port given by --inspect-port): without it, a collection that happens to run between two readings of the resident
 * memory would hide or invent growth.
 */
import WebSocket from 'ws';
import { rssBytes } from './proc.js';

export interface Memory {
  rssBytes: number;
  heapUsedBytes: number;
}

export interface Inspector {
  memoryAfterGc(): Promise<Memory>;
  close(): void;
}

export async function openInspector(pid: number, port: number): Promise<Inspector> {
  process.kill(pid, 'SIGUSR1');
  const deadline = Date.now() + 10_000;
  let target: string | undefined;
  while (!target) {
    target = await fetch(`http://127.0.0.1:${port}/json/list`)
      .then((r) => r.json() as Promise<Array<{ webSocketDebuggerUrl: string }>>)
      .then((list) => list[0]?.webSocketDebuggerUrl)
      .catch(() => undefined);
    if (!target && Date.now() > deadline) throw new Error(`the gateway's inspector did not open on port ${port}`);
    if (!target) await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const socket = new WebSocket(target);
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  let nextId = 0;
  const waiting = new Map<number, (result: unknown) => void>();
  socket.on('message', (data: Buffer) => {
    const message = JSON.parse(data.toString()) as { id?: number; result?: unknown };
    if (message.id !== undefined) waiting.get(message.id)?.(message.result);
  });
  const call = <T>(method: string): Promise<T> =>
    new Promise((resolve) => {
      const id = ++nextId;
      waiting.set(id, resolve as (result: unknown) => void);
      socket.send(JSON.stringify({ id, method }));
    });
  return {
    memoryAfterGc: async () => {
      await call('HeapProfiler.collectGarbage');
      const { usedSize } = await call<{ usedSize: number }>('Runtime.getHeapUsage');
      return { rssBytes: await rssBytes(pid), heapUsedBytes: usedSize };
    },
    close: () => socket.close(),
  };
}
