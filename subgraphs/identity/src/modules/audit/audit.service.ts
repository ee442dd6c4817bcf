import type { EntityManager } from '@mikro-orm/postgresql';
import type { AuditRecord } from '@crm/kit/audit.js';
import { executeBound } from '@crm/kit/sql.js';

/** Appends records (idempotent by id: a redelivered event or a retried batch is stored once). */
export async function appendAuditEntries(em: EntityManager, entries: Array<AuditRecord & { id: string }>): Promise<void> {
  if (entries.length === 0) return;
  // Bound: the records' JSON as one parameter rather than written into the text character by character (kit/sql.ts).
  await executeBound(
    em,
    `insert into audit_entry (id, at, actor_id, actor_kind, operation, outcome, entity_type, entity_id, details, reason, request_id, client_ip, service)
     select id, at, "actorId", "actorKind", operation, outcome::audit_outcome, "entityType", "entityId", details, reason, "requestId", "clientIp", service
     from jsonb_to_recordset($1::jsonb) as e(id uuid, at timestamptz, "actorId" text, "actorKind" text, operation text, outcome text, "entityType" text,
       "entityId" text, details jsonb, reason text, "requestId" text, "clientIp" text, service text)
     on conflict (id) do nothing`,
    [JSON.stringify(entries)],
  );
}
