import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, connect as connectTcp } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from '@jest/globals';
import { eventually } from '../../tests/helpers/eventually.js';
import { createLogger } from '../logger.js';
import { readAll, type OutgoingEvent } from './event-bus.js';
import { createNatsBus } from './nats-bus.js';

// The contract cases run against NATS in event-bus.int.test.ts; this is what only NATS needs: a server restart.
const bin = process.env.NATS_SERVER_BIN ?? '/usr/sbin/nats-server';
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

const listening = (port: number) =>
  eventually(
    () =>
      new Promise<void>((resolve, reject) => {
        const socket = connectTcp(port, '127.0.0.1', () => (socket.end(), resolve())).on('error', () =>
          reject(new Error(`nats-server did not listen on ${port}`)),
        );
      }),
    10_000,
  );

/** A private JetStream server (its own port and store), so stopping it disturbs nobody else. */
async function startServer(port: number, store: string): Promise<ChildProcess> {
  const server = spawn(bin, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', store], { stdio: 'ignore' });
  await listening(port);
  return server;
}

const stop = (server: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (server.exitCode !== null) return resolve();
    server.once('exit', () => resolve());
    server.kill('SIGTERM');
  });

const event = (n: number): OutgoingEvent => ({
  id: randomUUID(),
  stream: 'sales',
  type: 'OpportunityStageChanged',
  aggregateType: 'Opportunity',
  aggregateId: randomUUID(),
  payload: { n },
  occurredAt: new Date().toISOString(),
});

describe('nats event bus', () => {
  (existsSync(bin) ? it : it.skip)('survives a restart of the server: logs it, reconnects, wakes its readers, keeps the stream', async () => {
    const port = await freePort();
    const store = await mkdtemp(join(tmpdir(), 'crm-nats-'));
    cleanups.push(() => rm(store, { recursive: true, force: true }));
    let server = await startServer(port, store);
    cleanups.push(() => stop(server));
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) });
    const bus = await createNatsBus(`nats://127.0.0.1:${port}`, {
      stream: 'CRM_RESTART',
      retentionSeconds: 3600,
      log: createLogger('event-bus', { to: sink, level: 'info' }),
    });
    cleanups.push(() => bus.close());
    let wakes = 0;
    await bus.onPublish(() => wakes++);
    await bus.publish('sales', [event(1)], 'seq:1');

    await stop(server);
    await expect(bus.ping()).rejects.toThrow();
    server = await startServer(port, store);
    // Until the client is back, publishing fails and the relay retries it, as here.
    await eventually(() => bus.publish('sales', [event(2)], 'seq:2'), 10_000);

    const all = [];
    for await (const e of readAll(bus, null)) all.push(e);
    expect(all.map((e) => e.payload.n)).toEqual([1, 2]);
    expect(await bus.relayedThrough('sales')).toBe('seq:2');
    await eventually(async () => expect(wakes).toBeGreaterThanOrEqual(2), 5_000); // the reconnect, and the publish after it
    expect(lines.join('')).toContain('event bus connection lost; reconnecting');
    expect(lines.join('')).toContain('event bus reconnected');
  });
});
