import { defineHandler } from '@crm/kit/consumer.js';
import type { CatalogEvent } from '@crm/kit/event-catalog.js';
import { appendAuditEntries } from './audit.service.js';

const entryOf = (event: CatalogEvent<'AuditRecorded'>) => ({ ...event.payload, id: event.id });

/**
 * Every subgraph's audit records (AuditRecorded in its outbox, committed with the change) land in one log here: every
 * mutation makes one, so a run of them is one insert (with its processed marks in one more), not two per record.
 */
export const auditLogHandler = defineHandler({
  name: 'identity.audit-log',
  on: ['AuditRecorded'],
  async handle(em, event) {
    await appendAuditEntries(em, [entryOf(event)]);
  },
  async handleRun(em, events) {
    await appendAuditEntries(em, events.map(entryOf));
  },
  afterExpiry: {
    skip: { lost: 'audit records of the missed events are not in the audit log; the changes themselves were made' },
  },
});
