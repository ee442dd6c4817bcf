import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { GraphClient } from '@crm/kit/graph-client.js';
import { executePrepared, pgArray, uuidArray } from '@crm/kit/sql.js';
import { DomainError } from '@crm/kit/errors.js';

export interface KnownName {
  userId: string;
  name: string;
  /** Whether identity has them active (a new member of staff is). */
  active: boolean;
  userVersion: number;
}

/** Keeps each name and status unless older than the one kept (a late read of identity never undoes a change). */
export async function keepNames(em: EntityManager, names: readonly KnownName[]): Promise<void> {
  if (names.length === 0) return;
  await em.execute(
    `insert into staff_name (user_id, name, active, user_version)
       select * from unnest(?::uuid[], ?::text[], ?::boolean[], ?::int[])
     on conflict (user_id) do update set name = excluded.name, active = excluded.active, user_version = excluded.user_version
       where staff_name.user_version < excluded.user_version`,
    [
      pgArray(names.map((n) => n.userId)),
      pgArray(names.map((n) => n.name)),
      pgArray(names.map((n) => String(n.active))),
      pgArray(names.map((n) => String(n.userVersion))),
    ],
    'run',
  );
}

/** Of these members of staff, those identity deactivated, as sales' copy knows them (one statement). */
export async function deactivatedAmong(em: EntityManager, userIds: readonly string[]): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const rows = await em.execute<Array<{ user_id: string }>>('select user_id from staff_name where user_id = any(?::uuid[]) and not active', [
    pgArray([...userIds]),
  ]);
  return new Set(rows.map((row) => row.user_id));
}

// The requests of a subgraph asking identity at once for names it lacks (its first ones after a deploy) share one call.
const asking = new WeakMap<GraphClient, Promise<Map<string, string>>>();

/** Every member of staff from identity's API, kept: staff is a few hundred people, one page. */
function askIdentity(em: EntityManager, graph: GraphClient): Promise<Map<string, string>> {
  let call = asking.get(graph);
  if (call) return call;
  call = (async () => {
    try {
      const { users } = await graph
        .query<{ users: Array<{ id: string; name: string; active: boolean; version: number }> }>(
          'identity',
          'query StaffNames { users { id name active version } }',
        )
        .catch(() => {
          // What identity answered (its errors, its address) is not the client's to read; names sales knows still go.
          throw new DomainError('SERVICE_UNAVAILABLE', 'identity could not be asked for the name of a member of staff: retry shortly', {
            service: 'identity',
          });
        });
      const names = users.map((user) => ({ userId: user.id, name: user.name, active: user.active, userVersion: user.version }));
      await keepNames(em.fork(), names);
      return new Map(names.map((n) => [n.userId, n.name]));
    } finally {
      asking.delete(graph);
    }
  })();
  asking.set(graph, call);
  return call;
}

/**
 * Names of members of staff by id, for one request: sales' copy (one statement), and identity's API for anyone
 * the copy lacks (staff created before sales kept names, or whose event has not arrived yet). Null for an id
 * identity does not know either.
 */
export function staffNameLoader(em: EntityManager, graph: GraphClient): DataLoader<string, string | null> {
  return new DataLoader(async (ids) => {
    const list = uuidArray(ids);
    const rows = await executePrepared<{ user_id: string; name: string }>(
      em,
      `select user_id, name from staff_name where user_id = any(${list.sql})`,
      list.params,
    );
    const known = new Map(rows.map((row) => [row.user_id, row.name]));
    if (ids.some((id) => !known.has(id))) for (const [id, name] of await askIdentity(em, graph)) if (!known.has(id)) known.set(id, name);
    return ids.map((id) => known.get(id) ?? null);
  });
}
