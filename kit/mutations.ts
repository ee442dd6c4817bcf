import { createHash } from 'node:crypto';
import type { Opt } from '@mikro-orm/core';
import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { MiddlewareFn } from 'type-graphql';
import type { RequestContext } from './context.js';
import { DomainError } from './errors.js';
import { collectingChanges, writeAudit } from './audit.js';
import { checkDeclaredReferences, refuseAfterValidation } from './references.js';

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
/** How long a key is remembered; a client retrying later than this makes a new request. */
export const IDEMPOTENCY_KEY_HOURS = 48;

/** A mutation made with an Idempotency-Key: what was asked (hash) and what it answered (entity references). */
@Entity({ tableName: 'idempotency_key' })
export class IdempotencyKey {
  @PrimaryKey({ type: 'text' })
  viewerId!: string;

  @PrimaryKey({ type: 'text' })
  key!: string;

  /** The mutation field and its response key: one request may carry several mutations. */
  @PrimaryKey({ type: 'text' })
  operation!: string;

  @Property({ type: 'text' })
  requestHash!: string;

  @Property({ type: 'json', nullable: true })
  result?: unknown;

  @Property({ type: 'timestamptz', index: true })
  createdAt: Opt<Date> = new Date();
}

export const mutationEntities = [IdempotencyKey];

/** How a mutation's answer holds a secret shown once (see `shownOnce`). */
interface ShownOnce {
  /** The answer's fields that hold the secret: never stored. */
  fields: readonly string[];
  /** What a client whose answer was lost does instead, e.g. "call rotateApiKey … for a new secret". */
  lost: string;
}
const SHOWN_ONCE = Symbol('shownOnce');

/**
 * Marks a mutation's answer as holding a secret shown once (a new API key's): with an Idempotency-Key only the
 * record it names is kept, never the secret, and a retry with the key is refused (CONFLICT, reason
 * SECRET_SHOWN_ONCE) naming that record and saying what to do (`lost`) instead of showing the secret again.
 */
export function shownOnce<T extends object>(answer: T, fields: ReadonlyArray<keyof T & string>, lost: string): T {
  Object.defineProperty(answer, SHOWN_ONCE, { value: { fields, lost } satisfies ShownOnce, enumerable: false });
  return answer;
}

/** Idempotency keys are printable ASCII, like Stripe's (a UUID is the usual choice). */
export function readIdempotencyKey(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  if (!/^[\x21-\x7e]{1,255}$/.test(value)) {
    throw new DomainError('BAD_USER_INPUT', 'The Idempotency-Key header must be 1 to 255 printable ASCII characters, e.g. a UUID', {
      field: 'Idempotency-Key',
    });
  }
  return value;
}

/**
 * Every mutation runs in one transaction, so a failed one leaves nothing half-written. With an idempotency key
 * (the Idempotency-Key header) its result is stored in that transaction: a retry with the same key and the same
 * arguments returns the original result without doing anything again, even while the first is still running
 * (it waits for it); the same key with other arguments is refused. A secret in the answer (`shownOnce`) is never
 * stored: a retry of such a mutation is refused instead of showing it again.
 */
export const mutationTransaction: MiddlewareFn<RequestContext<unknown>> = async ({ context, info, args }, next) => {
  if (info.parentType.name !== 'Mutation') return next();
  // The arguments as the client sent them: a retry is the same request even if a customer it names merged meanwhile.
  const requestHash = context.idempotencyKey ? hashOf(args) : '';
  // The customers, staff and deals it names are asked of their owners before the transaction holds a connection (the
  // caller is authorized by now: type-graphql's auth check runs before every middleware).
  const refusal = await checkDeclaredReferences(info.fieldName, args, context.graph, context.viewer).then(
    () => undefined,
    (error: unknown) => error ?? new Error('reference check failed'),
  );
  if (refusal) return refuseAfterValidation(refusal, next);
  const outer = context.em;
  try {
    return await outer.transactional(async (em) => {
      context.em = em;
      if (!context.idempotencyKey) return audited(em, context, info.fieldName, next);
      const id = { viewerId: context.viewer.id, key: context.idempotencyKey, operation: `${info.fieldName}:${String(info.path.key)}` };
      const inserted = await em.execute<{ affectedRows: number }>(
        `insert into idempotency_key (viewer_id, key, operation, request_hash, created_at) values (?, ?, ?, ?, now())
         on conflict do nothing`,
        [id.viewerId, id.key, id.operation, requestHash],
        'run',
      );
      if (inserted.affectedRows === 0) return replay(em, id, requestHash);
      const result: unknown = await audited(em, context, info.fieldName, next);
      await em.execute(
        'update idempotency_key set result = ? where viewer_id = ? and key = ? and operation = ?',
        [JSON.stringify(encode(em, result)), id.viewerId, id.key, id.operation],
        'run',
      );
      return result;
    });
  } finally {
    context.em = outer;
  }
};

/** Runs the mutation and records who changed what in the audit log, in the same transaction. */
async function audited(em: EntityManager, context: RequestContext<unknown>, field: string, next: () => Promise<unknown>): Promise<unknown> {
  // The platform's own plumbing (e.g. the gateway handing over its audit records) is no one's action.
  if (context.viewer.kind === 'system') return next();
  const { changes, result } = collectingChanges(next);
  const value = await result;
  // What the mutation left unflushed goes first (its events before the record, as they were queued).
  await em.flush();
  // The record the mutation answers with is the one it is about; else the first it changed.
  const meta = value && typeof value === 'object' ? em.getMetadata().find(value.constructor as never) : undefined;
  const subject = meta ? { entity: meta.className, id: String((value as Record<string, unknown>)[meta.primaryKeys[0]!]) } : changes[0];
  await writeAudit(em, {
    at: new Date().toISOString(),
    actorId: context.viewer.id,
    actorKind: context.viewer.kind,
    operation: `Mutation.${field}`,
    outcome: 'DONE',
    entityType: subject?.entity ?? null,
    entityId: subject?.id ?? null,
    details: changes.length ? { changes } : null,
    requestId: context.requestId,
    clientIp: context.viewer.ip,
    service: context.service,
  });
  return value;
}

async function replay(em: EntityManager, id: { viewerId: string; key: string; operation: string }, requestHash: string): Promise<unknown> {
  const stored = await em.findOneOrFail(IdempotencyKey, id, { refresh: true });
  if (stored.requestHash !== requestHash) {
    throw new DomainError(
      'BAD_USER_INPUT',
      `Idempotency-Key "${id.key}" was already used for ${id.operation.split(':')[0]} with other arguments; use a new key for a new request`,
      { field: 'Idempotency-Key', reason: 'IDEMPOTENCY_KEY_REUSED' },
    );
  }
  const result = stored.result as Record<string, unknown> | null;
  if (result && typeof result === 'object' && typeof result.$shownOnce === 'string') throw secretShownOnce(id, result);
  return decode(em, stored.result);
}

/** A retry of a mutation that answered with a secret: the secret was kept nowhere, so it names the record instead. */
function secretShownOnce(id: { key: string; operation: string }, result: Record<string, unknown>): DomainError {
  const made = Object.values(result).find((value): value is { $entity: string; $id: string } => !!value && typeof value === 'object' && '$entity' in value);
  const mutation = id.operation.split(':')[0];
  return new DomainError(
    'CONFLICT',
    `${mutation} already ran with Idempotency-Key "${id.key}"${made ? ` (${made.$entity} ${made.$id})` : ''}: its secret was shown once, in that answer, and is kept nowhere, so a retry cannot show it again. ${String(result.$shownOnce)}`,
    { field: 'Idempotency-Key', reason: 'SECRET_SHOWN_ONCE', ...(made ? { type: made.$entity, id: made.$id } : {}) },
  );
}

type Encoded = null | boolean | number | string | Encoded[] | { [key: string]: Encoded };

/**
 * A mutation's result as JSON: entities by reference (they are read again on a retry), dates as ISO strings; of an
 * answer with a secret shown once, everything but the secret (and what to do instead, for the retry's refusal).
 */
function encode(em: EntityManager, value: unknown): Encoded {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return { $date: value.toISOString() };
  if (Array.isArray(value)) return value.map((item) => encode(em, item));
  if (typeof value === 'object') {
    const meta = em.getMetadata().find(value.constructor as never);
    if (meta) return { $entity: meta.className, $id: String((value as Record<string, unknown>)[meta.primaryKeys[0]!]) };
    const once = (value as { [SHOWN_ONCE]?: ShownOnce })[SHOWN_ONCE];
    const kept = Object.entries(value).filter(([key]) => !once?.fields.includes(key));
    return { ...(once ? { $shownOnce: once.lost } : {}), ...Object.fromEntries(kept.map(([key, item]) => [key, encode(em, item)])) };
  }
  if (typeof value === 'bigint') return value.toString();
  return value as boolean | number | string;
}

async function decode(em: EntityManager, value: unknown): Promise<unknown> {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return Promise.all(value.map((item) => decode(em, item)));
  const object = value as Record<string, unknown>;
  if (typeof object.$date === 'string') return new Date(object.$date);
  if (typeof object.$entity === 'string') {
    const meta = em.getMetadata().getByClassName(object.$entity);
    return em.findOne(meta.class, { [meta.primaryKeys[0]!]: object.$id } as never);
  }
  return Object.fromEntries(await Promise.all(Object.entries(object).map(async ([key, item]) => [key, await decode(em, item)])));
}

/** The SHA-256 of a value as JSON with sorted keys: the same arguments always hash the same. */
export function hashOf(value: unknown): string {
  return createHash('sha256').update(stableJson(value)).digest('hex');
}

function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item && typeof item === 'object' && !Array.isArray(item) && !(item instanceof Date)
      ? Object.fromEntries(Object.entries(item as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : item,
  );
}

/** The table each subgraph's migration creates. */
export const IDEMPOTENCY_KEY_SQL = [
  `create table "idempotency_key" ("viewer_id" text not null, "key" text not null, "operation" text not null, "request_hash" text not null, "result" jsonb null, "created_at" timestamptz not null, primary key ("viewer_id", "key", "operation"))`,
  `create index "idempotency_key_created_at_index" on "idempotency_key" ("created_at")`,
];

/** Forgets keys older than the retention (a periodic job of every subgraph). */
export async function pruneIdempotencyKeys(em: EntityManager): Promise<void> {
  await em.execute(`delete from idempotency_key where created_at < now() - make_interval(hours => ?)`, [IDEMPOTENCY_KEY_HOURS], 'run', { enabled: false });
}
