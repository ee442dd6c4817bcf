import { randomUUID } from 'node:crypto';
import { Kind, print, type DocumentNode, type FieldNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import type { ApolloServer } from '@apollo/server';
import type { Viewer } from '@crm/kit/context.js';
import type { Logger } from '@crm/kit/logger.js';
import type { GatewayContext } from '../subgraph-data-source.js';
import type { EntitySelection } from './entity-query.js';

/** What a subscription payload shows: the entity as the client selected it, or why it cannot. */
export interface LoadedEntity {
  data: Record<string, unknown> | null;
  /** The entity's version when it was read (null when it has none or is gone). */
  version: number | null;
  error?: { message: string; extensions?: Record<string, unknown> };
}

/**
 * Errors of single fields inside a loaded entity (e.g. a personal field the subscriber may not read), keyed by the
 * object that holds the field: the subscription's resolvers raise them at the same path, so the client gets the
 * rest of the entity with the field null and the error naming it, exactly as over HTTP.
 */
export const fieldErrors = new WeakMap<object, Map<string, { message: string; extensions?: Record<string, unknown> }>>();

function attachFieldErrors(
  root: Record<string, unknown> | null,
  errors: ReadonlyArray<{ message: string; path?: ReadonlyArray<string | number>; extensions?: Record<string, unknown> }>,
): void {
  for (const error of errors) {
    const path = error.path?.slice(1) ?? [];
    if (!root || path.length === 0) continue;
    let holder: unknown = root;
    for (const key of path.slice(0, -1)) holder = holder && typeof holder === 'object' ? (holder as Record<string | number, unknown>)[key] : undefined;
    if (!holder || typeof holder !== 'object') continue;
    const byField = fieldErrors.get(holder) ?? new Map();
    byField.set(String(path.at(-1)), { message: error.message, extensions: error.extensions });
    fieldErrors.set(holder, byField);
  }
}

// Errors that a retry cannot fix: the entity is shown with them (or as null) rather than retried for ever.
const FINAL_CODES = new Set(['BAD_USER_INPUT', 'NOT_FOUND', 'FORBIDDEN', 'UNAUTHENTICATED', 'GRAPHQL_VALIDATION_FAILED']);
const MAX_CACHED = 5000;
const VERSION_KEY = '__subscriptionVersion';

/**
 * Reads the entities of subscription payloads through the gateway, once per event for every subscription with
 * the same selection and caller (see permissionKey), and in batches: all the events fanned out in one tick become one query
 * (`e0: opportunity(id: $e0) {…} e1: …`), which the gateway plans like any other. A read that fails for a
 * passing reason (a subgraph restarting) is retried with backoff, so no subscriber is sent a null it should not see.
 */
export class EntityLoader {
  private readonly cache = new Map<string, Promise<LoadedEntity>>();
  private readonly pending = new Map<string, { selection: EntitySelection; viewer: Viewer; ids: Map<string, Array<(entity: LoadedEntity) => void>> }>();
  private scheduled = false;
  private stopped = false;

  constructor(
    private readonly apollo: ApolloServer<GatewayContext>,
    private readonly log: Logger,
  ) {}

  /** The entity `id` as `selection` shows it to `viewer`, read once per `eventId`. */
  load(selection: EntitySelection, viewer: Viewer, id: string, eventId: string): Promise<LoadedEntity> {
    const groupKey = `${selection.key}\u0000${permissionKey(viewer)}`;
    const cacheKey = `${groupKey}\u0000${eventId}`;
    const cached = this.cache.get(cacheKey);
    if (cached) return cached;
    const loaded = new Promise<LoadedEntity>((resolve) => {
      const group = this.pending.get(groupKey) ?? { selection, viewer, ids: new Map() };
      this.pending.set(groupKey, group);
      group.ids.set(id, [...(group.ids.get(id) ?? []), resolve]);
    });
    this.cache.set(cacheKey, loaded);
    if (this.cache.size > MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    return loaded;
  }

  stop(): void {
    this.stopped = true;
  }

  private flush(): void {
    this.scheduled = false;
    const groups = [...this.pending.values()];
    this.pending.clear();
    for (const group of groups) void this.fetchGroup(group.selection, group.viewer, group.ids);
  }

  private async fetchGroup(selection: EntitySelection, viewer: Viewer, waiting: Map<string, Array<(entity: LoadedEntity) => void>>): Promise<void> {
    let remaining = [...waiting.keys()];
    for (let attempt = 0; remaining.length && !this.stopped; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(250 * 2 ** (attempt - 1), 5000)));
      const results = await this.fetch(selection, viewer, remaining);
      const retry: string[] = [];
      for (const [id, result] of results) {
        if (result === 'retry') retry.push(id);
        else for (const resolve of waiting.get(id)!) resolve(result);
      }
      if (retry.length && (attempt === 0 || attempt % 20 === 0)) {
        this.log.warn({ entities: retry.length, root: selection.rootField, attempt }, 'subscription entities could not be read; retrying');
      }
      remaining = retry;
    }
  }

  private async fetch(selection: EntitySelection, viewer: Viewer, ids: string[]): Promise<Map<string, LoadedEntity | 'retry'>> {
    const variables: Record<string, unknown> = { ...selection.variables };
    ids.forEach((id, i) => (variables[`__e${i}`] = id));
    const results = new Map<string, LoadedEntity | 'retry'>();
    try {
      const response = await this.apollo.executeOperation(
        { query: print(batchDocument(selection, ids.length)), variables },
        { contextValue: { requestId: randomUUID(), viewer } },
      );
      const result = response.body.kind === 'single' ? response.body.singleResult : undefined;
      const data = (result?.data ?? {}) as Record<string, Record<string, unknown> | null>;
      ids.forEach((id, i) => {
        const errors = (result?.errors ?? []).filter((error) => !error.path || error.path[0] === `e${i}`);
        const passing = errors.find((error) => !FINAL_CODES.has(String(error.extensions?.code)));
        if (passing || !result) return void results.set(id, 'retry');
        const entity = data[`e${i}`] ?? null;
        const version = entity && typeof entity[VERSION_KEY] === 'number' ? (entity[VERSION_KEY] as number) : null;
        const error = errors[0] ? { message: errors[0].message, extensions: errors[0].extensions } : undefined;
        attachFieldErrors(entity, errors);
        results.set(id, { data: entity, version, error });
      });
    } catch (error) {
      this.log.warn({ err: (error as Error).message }, 'subscription entity query failed');
      for (const id of ids) results.set(id, 'retry');
    }
    return results;
  }
}

/**
 * Subscribers share a read only if it would show them the same thing. What a viewer may see depends on their
 * permissions and row scope (owners, lines), and on who they are: an agent also sees the cases assigned to them
 * (caseScopeSql), and a subgraph may answer anything else by the viewer's id. So a read is shared by the
 * subscriptions of one caller (one user or API key, however many sockets and subscriptions), never across callers.
 */
function permissionKey(viewer: Viewer): string {
  return JSON.stringify([
    viewer.kind,
    viewer.id,
    viewer.role,
    [...viewer.permissions].sort(),
    viewer.owners && [...viewer.owners].sort(),
    viewer.unowned,
    viewer.lines && [...viewer.lines].sort(),
  ]);
}

/** `query($__e0: ID!, $__e1: ID!, …) { e0: root(id: $__e0) { …selection, __subscriptionVersion: version } … }` */
function batchDocument(selection: EntitySelection, count: number): DocumentNode {
  const base = selection.document;
  const operation = base.definitions[0] as OperationDefinitionNode;
  const root = operation.selectionSet.selections[0] as FieldNode;
  const selectionSet: SelectionSetNode = selection.versioned
    ? { ...root.selectionSet!, selections: [...root.selectionSet!.selections, field('version', VERSION_KEY)] }
    : root.selectionSet!;
  const name = (value: string) => ({ kind: Kind.NAME, value }) as const;
  const variable = (value: string) => ({ kind: Kind.VARIABLE, name: name(value) }) as const;
  const indexes = Array.from({ length: count }, (_, i) => i);
  return {
    ...base,
    definitions: [
      {
        ...operation,
        variableDefinitions: [
          ...indexes.map(
            (i) =>
              ({
                kind: Kind.VARIABLE_DEFINITION,
                variable: variable(`__e${i}`),
                type: { kind: Kind.NON_NULL_TYPE, type: { kind: Kind.NAMED_TYPE, name: name('ID') } },
              }) as const,
          ),
          ...(operation.variableDefinitions ?? []),
        ],
        selectionSet: {
          kind: Kind.SELECTION_SET,
          selections: indexes.map((i) => ({
            kind: Kind.FIELD,
            alias: name(`e${i}`),
            name: name(selection.rootField),
            arguments: [{ kind: Kind.ARGUMENT, name: name('id'), value: variable(`__e${i}`) }],
            selectionSet,
          })),
        },
      },
      ...base.definitions.slice(1),
    ],
  };
}

function field(fieldName: string, alias: string): FieldNode {
  return { kind: Kind.FIELD, name: { kind: Kind.NAME, value: fieldName }, alias: { kind: Kind.NAME, value: alias } };
}
