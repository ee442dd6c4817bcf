import { randomUUID } from 'node:crypto';
import type { GraphClient } from '@crm/kit/graph-client.js';
import type { AuditRecord } from '@crm/kit/audit.js';
import type { Logger } from '@crm/kit/logger.js';

const FLUSH_MS = 1000;
const MAX_BUFFERED = 10_000;

/**
 * What the gateway itself sees (sign-ins, API key use, refusals before any subgraph is called) goes to identity's
 * audit log in batches. Identity stores each entry once by its id, so a batch retried after a failure is harmless.
 */
export class AuditRecorder {
  private buffer: Array<Omit<AuditRecord, 'service'> & { id: string }> = [];
  private readonly timer: NodeJS.Timeout;
  private flushing?: Promise<void>;

  constructor(
    private readonly graph: GraphClient,
    private readonly log: Logger,
  ) {
    this.timer = setInterval(() => void this.flush(), FLUSH_MS);
    this.timer.unref();
  }

  record(entry: Omit<AuditRecord, 'service' | 'at'>): void {
    if (this.buffer.length >= MAX_BUFFERED) this.buffer.shift();
    this.buffer.push({ ...entry, id: randomUUID(), at: new Date().toISOString() });
  }

  flush(): Promise<void> {
    this.flushing ??= this.send().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async send(): Promise<void> {
    const batch = this.buffer.splice(0, 500);
    if (batch.length === 0) return;
    try {
      await this.graph.query('identity', 'mutation($entries: [AuditRecordInput!]!) { recordAuditEntries(entries: $entries) }', {
        entries: batch.map(({ actorKind, ...rest }) => ({ ...rest, actorKind, details: rest.details ?? null })),
      });
    } catch (error) {
      this.buffer.unshift(...batch);
      this.log.warn({ err: (error as Error).message, entries: this.buffer.length }, 'audit entries not stored yet; retrying');
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
