import type { EntityManager } from '@mikro-orm/postgresql';
import type { AuditRecord } from '../../../../kit/audit.js';
import type { SqlCondition } from '../customer/customer.queries.js';
import type { AuditLogFilter } from './audit.inputs.js';

/** Appends records (idempotent by id: a redelivered event or a retried batch is stored once). */
export async function appendAuditEntries(em: EntityManager, entries: Array<AuditRecord & { id: string }>): Promise<void> {
  if (entries.length === 0) return;
  await em.execute(
    `insert into audit_entry (id, at, actor_id, actor_kind, operation, outcome, entity_type, entity_id, details, reason, request_id, client_ip, service)
     select id, at, "actorId", "actorKind", operation, outcome::audit_outcome, "entityType", "entityId", details, reason, "requestId", "clientIp", service
     from jsonb_to_recordset(?::jsonb) as e(id uuid, at timestamptz, "actorId" text, "actorKind" text, operation text, outcome text, "entityType" text,
       "entityId" text, details jsonb, reason text, "requestId" text, "clientIp" text, service text)
     on conflict (id) do nothing`,
    [JSON.stringify(entries)],
    'run',
  );
}

/** The filter over the indexed columns of `audit_entry t`. */
export function auditFilterSql(filter: AuditLogFilter | null | undefined): SqlCondition {
  const parts: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, value: unknown) => {
    parts.push(sql);
    params.push(value);
  };
  if (filter?.actorId) add('t.actor_id = ?', filter.actorId);
  if (filter?.entityId) add('t.entity_id = ?', filter.entityId);
  if (filter?.entityType) add('t.entity_type = ?', filter.entityType);
  if (filter?.operation) add('t.operation = ?', filter.operation);
  if (filter?.outcome) add('t.outcome = ?', filter.outcome);
  if (filter?.from) add('t.at >= ?', filter.from);
  if (filter?.to) add('t.at < ?', filter.to);
  return { sql: parts.join(' and ') || 'true', params };
}
