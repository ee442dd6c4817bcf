import type { EntityManager } from '@mikro-orm/postgresql';
import type { CountedPage, PageArgs } from '@crm/kit/pagination/connection.js';
import { fetchCountedPage } from '@crm/kit/pagination/keyset.js';
import type { SqlCondition } from '@crm/kit/sql.js';
import { AuditEntry } from './audit-entry.entity.js';
import type { AuditLogFilter } from './audit.inputs.js';

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

/** One page of the audit log, newest first, and its totalCount. */
export async function auditLogPage(em: EntityManager, filter: AuditLogFilter | null | undefined, page: PageArgs): Promise<CountedPage<AuditEntry>> {
  return fetchCountedPage(em, { entity: AuditEntry, orderBy: { property: 'at', descending: true }, where: auditFilterSql(filter) }, page);
}
