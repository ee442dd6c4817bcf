import { createHash, randomUUID } from 'node:crypto';
import { Kind, print, type DocumentNode, type FieldNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
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
const FINAL_CODES = new Set([
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'FORBIDDEN',
  'UNAUTHENTICATED',
  'GRAPHQL_VALIDATION_FAILED',
  'GRAPHQL_PARSE_FAILED',
  'QUERY_TOO_COSTLY',
]);
/**
 * A batch the gateway refuses as a whole for its size: its tokens, aliases, directives or cost count every entity
 * (the limits are a client's, the batch is the gateway's own). Half as many entities are tried at once instead.
 */
const SIZE_CODES = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'QUERY_TOO_COSTLY']);
/** Entities read in one query at most; fewer where a selection makes that many too large (see SIZE_CODES). */
const MAX_BATCH = 64;
const MAX_CACHED = 5000;
const VERSION_ALIAS = '__subscriptionVersion';

/**
 * Reads the entities of subscription payloads through the gateway, once per event for every subscription with
 * the same selection and caller (see permissionKey), and in batches: the events fanned out in one tick become one
 * query (`e0: opportunity(id: $e0) {…} e1: …`, up to MAX_BATCH, fewer where that many would pass the gateway's
 * limits), which the gateway plans like any other. A read that fails for a passing reason (a subgraph restarting)
 * is retried with backoff, so no subscriber is sent a null it should not see.
 */
export class EntityLoader {
  /** By event id, then by group (selection and permissionKey): the last MAX_CACHED reads, by whole events. */
  private readonly cache = new Map<string, Map<string, Promise<LoadedEntity>>>();
  private cachedReads = 0;
  private readonly pending = new Map<string, { selection: EntitySelection; viewer: Viewer; ids: Map<string, Array<(entity: LoadedEntity) => void>> }>();
  /** Per selection, how many of its entities one query may read, once a larger batch was refused for its size. */
  private readonly batchSizes = new Map<string, number>();
  private scheduled = false;
  private stopped = false;

  constructor(
    private readonly apollo: ApolloServer<GatewayContext>,
    private readonly log: Logger,
  ) {}

  /** The entity `id` as `selection` shows it to `viewer`, read once per `eventId`. */
  load(selection: EntitySelection, viewer: Viewer, id: string, eventId: string): Promise<LoadedEntity> {
    // Asked once per subscriber per event: the strings are kept per selection and viewer, and the cache is by event
    // first, so a fan-out to thousands builds no key.
    const groupKey = groupKeyOf(selection, viewer);
    let forEvent = this.cache.get(eventId);
    const cached = forEvent?.get(groupKey);
    if (cached) return cached;
    const loaded = new Promise<LoadedEntity>((resolve) => {
      const group = this.pending.get(groupKey) ?? { selection, viewer, ids: new Map() };
      this.pending.set(groupKey, group);
      group.ids.set(id, [...(group.ids.get(id) ?? []), resolve]);
    });
    if (!forEvent) this.cache.set(eventId, (forEvent = new Map()));
    forEvent.set(groupKey, loaded);
    // The oldest events' reads go first; the current event's stay, however many groups it has.
    for (this.cachedReads++; this.cachedReads > MAX_CACHED && this.cache.size > 1;) {
      const [oldest, reads] = this.cache.entries().next().value!;
      this.cache.delete(oldest);
      this.cachedReads -= reads.size;
    }
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
      const size = this.batchSizes.get(selection.key) ?? MAX_BATCH;
      const batches = Array.from({ length: Math.ceil(remaining.length / size) }, (_, i) => remaining.slice(i * size, (i + 1) * size));
      const retry: string[] = [];
      for (const results of await Promise.all(batches.map((ids) => this.fetchFitting(selection, viewer, ids)))) {
        for (const [id, result] of results) {
          if (result === 'retry') retry.push(id);
          else for (const resolve of waiting.get(id)!) resolve(result);
        }
      }
      if (retry.length && (attempt === 0 || attempt % 20 === 0)) {
        this.log.warn({ entities: retry.length, root: selection.rootField, attempt }, 'subscription entities could not be read; retrying');
      }
      remaining = retry;
    }
  }

  /** Reads `ids` in one query, or in halves (remembered for the selection) while the query is refused for its size. */
  private async fetchFitting(selection: EntitySelection, viewer: Viewer, ids: string[]): Promise<Map<string, LoadedEntity | 'retry'>> {
    const results = await this.fetch(selection, viewer, ids);
    if (results !== 'too large') return results;
    const half = Math.ceil(ids.length / 2);
    this.batchSizes.set(selection.key, Math.min(half, this.batchSizes.get(selection.key) ?? MAX_BATCH));
    if (this.batchSizes.size > MAX_CACHED) this.batchSizes.delete(this.batchSizes.keys().next().value!);
    const halves = await Promise.all([this.fetchFitting(selection, viewer, ids.slice(0, half)), this.fetchFitting(selection, viewer, ids.slice(half))]);
    return new Map(halves.flatMap((part) => [...part]));
  }

  private async fetch(selection: EntitySelection, viewer: Viewer, ids: string[]): Promise<Map<string, LoadedEntity | 'retry'> | 'too large'> {
    const variables: Record<string, unknown> = { ...selection.variables };
    ids.forEach((id, i) => (variables[`__e${i}`] = id));
    const results = new Map<string, LoadedEntity | 'retry'>();
    const batch = batchDocument(selection, ids.length);
    try {
      const response = await this.apollo.executeOperation({ query: print(batch.document), variables }, { contextValue: { requestId: randomUUID(), viewer } });
      const result = response.body.kind === 'single' ? response.body.singleResult : undefined;
      if (ids.length > 1 && result?.errors?.some((error) => !error.path && SIZE_CODES.has(String(error.extensions?.code)))) return 'too large';
      const data = (result?.data ?? {}) as Record<string, Record<string, unknown> | null>;
      ids.forEach((id, i) => {
        const key = batch.keyOf(i);
        const errors = (result?.errors ?? []).filter((error) => !error.path || error.path[0] === key);
        const passing = errors.find((error) => !FINAL_CODES.has(String(error.extensions?.code)));
        if (passing || !result) return void results.set(id, 'retry');
        const entity = data[key] ?? null;
        const version = entity && batch.versionKey && typeof entity[batch.versionKey] === 'number' ? (entity[batch.versionKey] as number) : null;
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
export function permissionKey(viewer: Viewer): string {
  // Asked once per subscriber per event: computed once per viewer (a socket's viewer lives as long as the socket).
  let key = permissionKeys.get(viewer);
  if (key === undefined) permissionKeys.set(viewer, (key = computePermissionKey(viewer)));
  return key;
}
const permissionKeys = new WeakMap<Viewer, string>();

/** Subscriptions that share a read: the same selection for the same access. */
function groupKeyOf(selection: EntitySelection, viewer: Viewer): string {
  let byViewer = groupKeys.get(selection);
  if (!byViewer) groupKeys.set(selection, (byViewer = new WeakMap()));
  let key = byViewer.get(viewer);
  if (key === undefined) byViewer.set(viewer, (key = `${selection.key}\u0000${permissionKey(viewer)}`));
  return key;
}
const groupKeys = new WeakMap<EntitySelection, WeakMap<Viewer, string>>();

/** A digest of what decides the viewer's access: it is kept per socket and in every key built from it, so it stays short. */
function computePermissionKey(viewer: Viewer): string {
  const access = JSON.stringify([
    viewer.kind,
    viewer.id,
    viewer.role,
    [...viewer.permissions].sort(),
    viewer.owners && [...viewer.owners].sort(),
    viewer.unowned,
    viewer.lines && [...viewer.lines].sort(),
  ]);
  return createHash('sha256').update(access).digest('base64url');
}

/**
 * `query($__e0: ID!, $__e1: ID!, …) { e0: root(id: $__e0) { …selection, version } … }`: one entity alone is read
 * without an alias (`root(id: $__e0)`), and the version under an alias only where the client's selection answers
 * something else as `version`, so the query adds as few aliases as it can to the client's (the limits count them all).
 */
function batchDocument(selection: EntitySelection, count: number): { document: DocumentNode; keyOf(index: number): string; versionKey: string | null } {
  const base = selection.document;
  const operation = base.definitions[0] as OperationDefinitionNode;
  const root = operation.selectionSet.selections[0] as FieldNode;
  const fragments = new Map(base.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));
  const selected = responseKeys(root.selectionSet!, fragments);
  const versionKey = !selection.versioned ? null : !selected.has('version') || selected.get('version') === 'version' ? 'version' : VERSION_ALIAS;
  // Added even where the client selects `version` too (the two merge): theirs may be skipped by a directive.
  const selectionSet: SelectionSetNode = versionKey
    ? { ...root.selectionSet!, selections: [...root.selectionSet!.selections, field('version', versionKey === 'version' ? null : versionKey)] }
    : root.selectionSet!;
  const name = (value: string) => ({ kind: Kind.NAME, value }) as const;
  const variable = (value: string) => ({ kind: Kind.VARIABLE, name: name(value) }) as const;
  const indexes = Array.from({ length: count }, (_, i) => i);
  const keyOf = (i: number) => (count === 1 ? selection.rootField : `e${i}`);
  const document: DocumentNode = {
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
            ...(count === 1 ? {} : { alias: name(keyOf(i)) }),
            name: name(selection.rootField),
            arguments: [{ kind: Kind.ARGUMENT, name: name('id'), value: variable(`__e${i}`) }],
            selectionSet,
          })),
        },
      },
      ...base.definitions.slice(1),
    ],
  };
  return { document, keyOf, versionKey };
}

/** The response keys a selection set answers with, and the field each names (through inline fragments and spreads). */
function responseKeys(set: SelectionSetNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>, seen = new Set<string>()): Map<string, string> {
  const keys = new Map<string, string>();
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) keys.set(selection.alias?.value ?? selection.name.value, selection.name.value);
    const inner =
      selection.kind === Kind.INLINE_FRAGMENT
        ? selection.selectionSet
        : selection.kind === Kind.FRAGMENT_SPREAD && !seen.has(selection.name.value)
          ? (seen.add(selection.name.value), fragments.get(selection.name.value)?.selectionSet)
          : undefined;
    if (inner) for (const [key, fieldName] of responseKeys(inner, fragments, seen)) keys.set(key, fieldName);
  }
  return keys;
}

function field(fieldName: string, alias: string | null): FieldNode {
  return { kind: Kind.FIELD, name: { kind: Kind.NAME, value: fieldName }, ...(alias ? { alias: { kind: Kind.NAME, value: alias } } : {}) };
}
