import type { Opt } from '@mikro-orm/core';
import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import type { EntityManager } from '@mikro-orm/postgresql';
import { defineHandler, type EventHandler } from './consumer.js';
import { executePrepared, pgArray, uuidArray } from './sql.js';
import type { Logger } from './logger.js';

/**
 * identity merged `mergedId` into `survivorId`: this subgraph's own record of it, kept so that a write naming the
 * merged id lands on the survivor instead of orphaning a row the survivor's 360° view would miss.
 */
@Entity({ tableName: 'customer_alias' })
export class CustomerAlias {
  @PrimaryKey({ type: 'uuid' })
  mergedId!: string;

  @Property({ type: 'uuid', index: true })
  survivorId!: string;

  @Property({ type: 'timestamptz' })
  mergedAt: Opt<Date> = new Date();
}

export const customerAliasEntities = [CustomerAlias];

const QUIET = { enabled: false };

/**
 * The customers these ids stand for now: a merged id maps to its survivor, any other id to itself.
 * It must run inside the transaction that writes the ids: it holds a shared lock per customer until that
 * transaction ends, and a merge being recorded meanwhile (exclusive lock) waits, then moves the new rows too.
 * The survivors are locked as well (then their aliases read again): a survivor merging on meanwhile (B into C
 * while writing for A, merged into B) waits too, instead of missing the row written for B.
 */
export async function liveCustomerIds(em: EntityManager, ids: readonly string[]): Promise<Map<string, string>> {
  if (!em.isInTransaction()) throw new Error('liveCustomerIds must run inside the writing transaction');
  const wanted = [...new Set(ids.map((id) => id.toLowerCase()))];
  const live = new Map(wanted.map((id) => [id, id]));
  const locked = new Set<string>();
  for (let unlocked = wanted; unlocked.length > 0; unlocked = [...new Set(live.values())].filter((id) => !locked.has(id))) {
    // Prepared, both: every write that names a customer runs them (kit/sql.ts).
    await executePrepared(
      em,
      `select pg_advisory_xact_lock_shared(hashtextextended('customer:' || id, 0)) from unnest(?::text[]) as id`,
      [pgArray(unlocked)],
      QUIET,
    );
    unlocked.forEach((id) => locked.add(id));
    const ids = uuidArray(wanted);
    const aliases = await executePrepared<{ merged_id: string; survivor_id: string }>(
      em,
      `select merged_id, survivor_id from customer_alias where merged_id = any(${ids.sql})`,
      ids.params,
    );
    for (const alias of aliases) live.set(alias.merged_id, alias.survivor_id);
  }
  return live;
}

export async function liveCustomerId(em: EntityManager, id: string): Promise<string> {
  return (await liveCustomerIds(em, [id])).get(id.toLowerCase())!;
}

/** Remembers a merge (earlier merges into the merged customer now point at the survivor: one hop from any id). */
async function recordCustomerAlias(em: EntityManager, mergedId: string, survivorId: string): Promise<void> {
  await em.execute(`select pg_advisory_xact_lock(hashtextextended('customer:' || ?, 0))`, [mergedId], 'all', QUIET);
  await em.execute(
    `insert into customer_alias (merged_id, survivor_id, merged_at) values (?, ?, now())
     on conflict (merged_id) do update set survivor_id = excluded.survivor_id`,
    [mergedId, survivorId],
  );
  await em.execute('update customer_alias set survivor_id = ? where survivor_id = ?', [survivorId, mergedId]);
}

/** Where a subgraph keeps customer ids, and how it moves a merged customer's records to the survivor. */
export interface CustomerRecords {
  /** `table.column` pairs holding customer ids: what a rebuild asks identity about. */
  columns: ReadonlyArray<readonly [table: string, column: string]>;
  move(em: EntityManager, mergedId: string, survivorId: string, log: Logger): Promise<void>;
}

const REBUILD_BATCH = 500;

/**
 * identity's CustomerMerged as every subgraph that stores customer ids handles it: record the alias, then move
 * the merged customer's records to the survivor. Its rebuild (after falling behind the retention window) asks
 * identity where each customer id it holds lives now, through the graph.
 */
export function customerMergedHandler(name: string, records: CustomerRecords): EventHandler {
  const apply = async (em: EntityManager, mergedId: string, survivorId: string, log: Logger) => {
    await recordCustomerAlias(em, mergedId, survivorId);
    await records.move(em, mergedId, survivorId, log);
  };
  return defineHandler({
    name,
    on: ['CustomerMerged'],
    async handle(em, event, log) {
      const { survivorId, mergedId } = event.payload;
      // Well-formed (the catalog checked it) but pointless: retrying it would only stall every later event.
      if (survivorId.toLowerCase() === mergedId.toLowerCase()) {
        log.warn({ eventId: event.id }, 'CustomerMerged without two distinct customer ids; nothing moved');
        return;
      }
      await apply(em, mergedId.toLowerCase(), survivorId.toLowerCase(), log);
    },
    afterExpiry: {
      async rebuild(em, graph, log) {
        const held = await em.execute<Array<{ id: string }>>(
          `${records.columns.map(([table, column]) => `select ${column}::text as id from ${table} where ${column} is not null`).join(' union ')}
           except select merged_id::text from customer_alias`,
          [],
          'all',
        );
        let moved = 0;
        for (let i = 0; i < held.length; i += REBUILD_BATCH) {
          const ids = held.slice(i, i + REBUILD_BATCH).map((row) => row.id);
          const { _entities: found } = await graph.query<{ _entities: Array<{ id: string } | null> }>(
            'identity',
            'query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Customer { id } } }',
            { representations: ids.map((id) => ({ __typename: 'Customer', id })) },
          );
          for (const [index, id] of ids.entries()) {
            const survivor = found[index]?.id?.toLowerCase();
            if (survivor && survivor !== id) {
              await apply(em, id, survivor, log);
              moved++;
            }
          }
        }
        log.info({ consumer: name, customers: held.length, merged: moved }, 'customer merges rebuilt from identity');
      },
    },
  });
}

/** The table each subgraph's migration creates. */
export const CUSTOMER_ALIAS_SQL = [
  `create table "customer_alias" ("merged_id" uuid not null, "survivor_id" uuid not null, "merged_at" timestamptz not null, primary key ("merged_id"))`,
  `create index "customer_alias_survivor_id_index" on "customer_alias" ("survivor_id")`,
];
