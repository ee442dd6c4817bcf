import { defineHandler } from '@crm/kit/consumer.js';
import { appendAuditEntries } from './audit.service.js';

/** Every subgraph's audit records (AuditRecorded in its outbox, committed with the change) land in one log here. */
export const auditLogHandler = defineHandler({
  name: 'identity.audit-log',
  on: ['AuditRecorded'],
  async handle(em, event) {
    await appendAuditEntries(em, [{ ...event.payload, id: event.id }]);
  },
  afterExpiry: {
    skip: { lost: 'audit records of the missed events are not in the audit log; the changes themselves were made' },
  },
});
