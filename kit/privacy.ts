import type { EntityManager } from '@mikro-orm/postgresql';
import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { GraphQLJSON } from 'graphql-scalars';
import { Internal } from './access/decorators.js';
import type { RequestContext } from './context.js';
import { defineHandler, type EventHandler } from './consumer.js';
import { redactEvents } from './erasure.js';
import { recordEvent } from './events.js';
import { isUuid } from './ids.js';
import type { Logger } from './logger.js';
import { pgArray } from './sql.js';

/**
 * The right of access and the right to erasure, as each subgraph carries them out for its own data: it declares
 * where it keeps a person's data (PersonalTable), and this module exports those rows and erases them, in the order
 * declared (children before parents). Identity asks every subgraph for its export through the graph and starts
 * an erasure with one durable event; no subgraph ever reads another's tables.
 */
export interface PersonalTable {
  table: string;
  /** SQL condition choosing the person's rows; each `?` stands for their customer ids (a uuid[] literal). */
  rowsOf: string;
  /** The unique column an export pages by; null for a table small per person that has none (read whole). */
  pageBy?: string | null;
  /**
   * `delete`, or the columns to overwrite (column → SQL value) where the record must stay, or `keep` for rows that
   * hold nothing personal once their parent is erased (they are exported all the same): `why` names the rule
   * (e.g. an accepted quote is a contract the dealer must keep, without the person in it).
   */
  erase: 'delete' | { set: Record<string, string>; why: string } | { keep: string };
  /** Its rows are aggregates of events (leads, opportunities, cases…): their retained events are redacted too. */
  aggregate?: boolean;
}

const EXPORT_PAGE = 1000;

/** Every row of the person's data in each table, read in pages by id (a long history never loads in one piece). */
export async function exportPersonalData(
  em: EntityManager,
  tables: readonly PersonalTable[],
  customerIds: readonly string[],
): Promise<Record<string, unknown[]>> {
  const exported: Record<string, unknown[]> = {};
  for (const { table, rowsOf, pageBy = 'id' } of tables) {
    const params = idsFor(rowsOf, customerIds);
    if (pageBy === null) {
      exported[table] = (await em.execute<Array<Record<string, unknown>>>(`select * from ${table} where ${rowsOf}`, params, 'all')).map(readable);
      continue;
    }
    const rows: Array<Record<string, unknown>> = [];
    for (let after: string | null = null; ;) {
      const page: Array<Record<string, unknown>> = await em.execute(
        `select * from ${table} where (${rowsOf})${after === null ? '' : ` and ${pageBy} > ?`} order by ${pageBy} limit ${EXPORT_PAGE}`,
        after === null ? params : [...params, after],
        'all',
      );
      rows.push(...page.map(readable));
      if (page.length < EXPORT_PAGE) break;
      after = String(page.at(-1)![pageBy]);
    }
    exported[table] = rows;
  }
  return exported;
}

/** A row as the export's JSON shows it: a file's bytes (a quote's PDF) as base64 text, not a list of numbers. */
const readable = (row: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(row).map(([column, value]) => [column, Buffer.isBuffer(value) ? value.toString('base64') : value]));

/** The customer ids as a uuid[] literal, once for every `?` of the condition. */
const idsFor = (rowsOf: string, customerIds: readonly string[]) =>
  Array.from({ length: rowsOf.split('?').length - 1 }, () => pgArray(customerIds.map((id) => id.toLowerCase())));

export interface Erased {
  /** Rows deleted or anonymized per table, and events redacted. */
  counts: Record<string, number>;
  aggregateIds: string[];
}

/** Erases the person's rows as each table declares; returns what it did and the aggregates whose events to redact. */
export async function erasePersonalData(em: EntityManager, tables: readonly PersonalTable[], customerIds: readonly string[]): Promise<Erased> {
  const counts: Record<string, number> = {};
  const aggregateIds: string[] = [];
  for (const { table, rowsOf, erase, aggregate } of tables) {
    const ids = idsFor(rowsOf, customerIds);
    if (aggregate) {
      const rows = await em.execute<Array<{ id: string }>>(`select id::text as id from ${table} where ${rowsOf}`, ids, 'all');
      aggregateIds.push(...rows.map((row) => row.id));
    }
    if (erase !== 'delete' && 'keep' in erase) continue;
    const statement =
      erase === 'delete'
        ? `delete from ${table} where ${rowsOf}`
        : `update ${table} set ${Object.entries(erase.set)
            .map(([column, value]) => `${column} = ${value}`)
            .join(', ')} where ${rowsOf}`;
    counts[table] = (await em.execute<{ affectedRows: number }>(statement, ids, 'run')).affectedRows;
  }
  return { counts, aggregateIds };
}

/**
 * The consumer every subgraph runs for identity's CustomerErasureRequested: it erases its own data, redacts the
 * retained events about the person in its outbox and on the bus, and reports back (CustomerDataErased), all in one
 * transaction with its checkpoint, so a subgraph that was down finishes when it is back. One that missed the event
 * for longer than the bus keeps it asks identity which erasures it still owes.
 */
/** Aggregate ids a CustomerAggregatesErased event names at most (its catalog entry's limit). */
const ERASED_AGGREGATES_PER_EVENT = 1000;

export function erasureHandler(subgraph: string, erase: (em: EntityManager, customerIds: string[], log: Logger) => Promise<Erased>): EventHandler {
  const run = async (em: EntityManager, erasureId: string, customerIds: string[], log: Logger, redactBus: (aggregateIds: string[]) => Promise<number>) => {
    const erased = await erase(em, customerIds, log);
    const match = { aggregateIds: erased.aggregateIds, customerIds };
    const outboxEvents = await redactEvents(em, 'outbox_event', match);
    const deadLetters = await redactEvents(em, 'dead_letter', match);
    const busEvents = await redactBus(erased.aggregateIds);
    // Which records they were, for the copies of their events kept elsewhere (identity's webhook deliveries: a web
    // form's submission or a visit names its lead or interaction, not the customer). In bounded events, before the report.
    for (let start = 0; start < erased.aggregateIds.length; start += ERASED_AGGREGATES_PER_EVENT) {
      recordEvent(em, {
        type: 'CustomerAggregatesErased',
        aggregateId: erasureId,
        payload: { erasureId, subgraph, aggregateIds: erased.aggregateIds.slice(start, start + ERASED_AGGREGATES_PER_EVENT) },
      });
    }
    recordEvent(em, {
      type: 'CustomerDataErased',
      aggregateId: erasureId,
      payload: { erasureId, subgraph, counts: { ...erased.counts, outboxEvents, deadLetters, busEvents } },
    });
    await em.flush();
    log.info({ erasureId, subgraph, counts: erased.counts, outboxEvents, deadLetters, busEvents }, 'personal data erased');
  };
  return defineHandler({
    name: `${subgraph}.erasure`,
    on: ['CustomerErasureRequested'],
    async handle(em, event, log, tools) {
      const { erasureId, customerIds } = event.payload;
      const ids = customerIds.map((id) => id.toLowerCase());
      if (ids.length === 0) {
        log.warn({ eventId: event.id }, 'erasure request without customer ids; nothing erased');
        return;
      }
      await run(em, erasureId, ids, log, (aggregateIds) => tools.bus.redact({ aggregateIds, customerIds: ids }));
    },
    afterExpiry: {
      async rebuild(em, graph, log) {
        const { owed } = await graph.query<{ owed: Array<{ id: string; customerIds: string[] }> }>(
          'identity',
          'query($subgraph: String!) { owed: erasuresOwedBy(subgraph: $subgraph) { id customerIds } }',
          { subgraph },
        );
        // The bus no longer holds what was pruned; what it holds now about them is redacted on the next erasure run.
        for (const erasure of owed) await run(em, erasure.id, erasure.customerIds, log, async () => 0);
      },
    },
  });
}

/**
 * A subgraph's exporter as the platform calls it (`<subgraph>PersonalData(customerIds)`): its part of a person's
 * export, for identity to assemble. Platform plumbing, not client API.
 */
export function personalDataResolver(subgraph: string, tables: readonly PersonalTable[]) {
  @Resolver()
  class PersonalDataResolver {
    @Internal()
    @Query(() => GraphQLJSON, { name: `${subgraph}PersonalData`, description: `Everything ${subgraph} holds about these customer ids, table by table` })
    personalData(@Arg('customerIds', () => [ID]) customerIds: string[], @Ctx() { em }: RequestContext<unknown>): Promise<Record<string, unknown[]>> {
      return exportPersonalData(em, tables, customerIds.filter(isUuid));
    }
  }
  return PersonalDataResolver;
}
