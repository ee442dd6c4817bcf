import type { EntityClass, FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { byKeys } from './loaders.js';
import { columnOf, metadataOf, quote, tableOf } from './pagination/keyset.js';
import { executePrepared, uuidArray } from './sql.js';

/**
 * The entities whose `property` (stored in one uuid column: the id, a parent's id) is one of `ids`, in one plain
 * statement, mapped into `em` as `em.find` maps them: managed, through its identity map, an entity it already holds
 * returned as it is. Without the ORM's query builder, which cost more CPU than the statement itself on the loaders a
 * 360° query runs. For entities without filters, eager relations or formulas (a plain row is the whole entity);
 * `orderBy`: properties, ascending.
 */
export async function findByIds<T extends object>(
  em: EntityManager,
  entity: EntityClass<T>,
  ids: readonly string[],
  options: { property?: string; orderBy?: readonly string[] } = {},
): Promise<T[]> {
  if (ids.length === 0) return [];
  const meta = metadataOf(em, entity);
  const column = columnOf(meta, options.property ?? 'id');
  const order = options.orderBy?.length ? ` order by ${options.orderBy.map((property) => `t.${quote(columnOf(meta, property))}`).join(', ')}` : '';
  // In the transaction `em` is in, if any, as em.find would read.
  const list = uuidArray(ids);
  const rows = await executePrepared<Record<string, unknown>>(
    em,
    `select t.* from ${tableOf(meta)} t where t.${quote(column)} = any(${list.sql})${order}`,
    list.params,
  );
  return mergeRows(em, entity, rows);
}

/**
 * Whole rows of `entity`'s table as PostgreSQL answers them (`select t.*`, `insert … returning *`), mapped into `em`
 * as em.map maps them, except that an entity the identity map already holds is kept as it is (em.map would
 * overwrite it).
 */
export function mergeRows<T extends object>(em: EntityManager, entity: EntityClass<T>, rows: ReadonlyArray<Record<string, unknown>>): T[] {
  const meta = metadataOf(em, entity);
  const driver = em.getDriver();
  return rows.map((row) => em.merge(entity, driver.mapResult(row as never, meta)!, { refresh: false, convertCustomTypes: true, validate: false }));
}

const byIdLoaders = new WeakMap<EntityManager, Map<EntityClass<object>, DataLoader<string, object | null>>>();

/**
 * The entity whose id is `id` (as parseId gives it), or null. The reads asked of one entity manager (a request's) in
 * the same tick go out as one statement (findByIds): the gateway reads the entities of a subscription tick's events
 * as one document of aliased root fields (`e0: interaction(id: …) e1: …`, entity-loader.ts), a statement per alias
 * when each was a findOne. One asked alone is a findOne, which the identity map answers without a statement when it
 * holds the entity. Nothing is remembered past the batch, so a read after a write sees it. Kept per entity manager
 * rather than among a request's loaders: the services' `getX(em, id)` serve resolvers and writes alike.
 */
export function findById<T extends { id: string }>(em: EntityManager, entity: EntityClass<T>, id: string): Promise<T | null> {
  let loaders = byIdLoaders.get(em);
  if (!loaders) byIdLoaders.set(em, (loaders = new Map()));
  let loader = loaders.get(entity) as DataLoader<string, T | null> | undefined;
  if (!loader) {
    loader = new DataLoader<string, T | null>(
      async (ids) =>
        ids.length === 1
          ? [await em.findOne(entity, { id: ids[0] } as FilterQuery<T>)]
          : byKeys(ids, await findByIds(em, entity, [...new Set(ids)]), (found) => found.id),
      { cache: false },
    );
    loaders.set(entity, loader as DataLoader<string, object | null>);
  }
  return loader.load(id);
}
