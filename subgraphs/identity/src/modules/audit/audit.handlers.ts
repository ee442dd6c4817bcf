import type { EventHandler } from '../../../../kit/consumer.js';
import { AUDIT_RECORDED, type AuditRecord } from '../../../../kit/audit.js';
import { appendAuditEntries } from './audit.service.js';

/** Every subgraph's audit records (AuditRecorded in its outbox, committed with the change) land in one log here. */
export const auditLogHandler: EventHandler = {
  name: 'identity.audit-log',
  handles: (event) => event.type === AUDIT_RECORDED,
  async handle(em, event) {
    await appendAuditEntries(em, [{ ...(event.payload as unknown as AuditRecord), id: event.id }]);
  },
  afterExpiry: {
    skip: { lost: 'audit records of the missed events are not in the audit log; the changes themselves were made' },
  },
};
