import { AsyncLocalStorage } from 'node:async_hooks';
import type { Viewer } from './access/viewer.js';
import type { SubgraphName } from './config.js';
import { DomainError } from './errors.js';
import type { GraphClient } from './graph-client.js';
import { isUuid } from './ids.js';

/**
 * Records of another subgraph that a mutation's arguments may name, each asked of the subgraph that owns it as it
 * is written (docs/adr/0016-customer-references.md): customers and staff are identity's, deals and quotes sales'.
 */
const OWNERS = { Customer: 'identity', User: 'identity', Opportunity: 'sales', Quote: 'sales' } as const satisfies Record<string, SubgraphName>;
export type ReferenceType = keyof typeof OWNERS;

/** How a message calls a record of each type. */
const WORDS: Record<ReferenceType, string> = { Customer: 'customer', User: 'member of staff', Opportunity: 'opportunity', Quote: 'quote' };
const IDS: Record<ReferenceType, string> = { Customer: 'customer ids', User: 'staff ids', Opportunity: 'opportunity ids', Quote: 'quote ids' };

/**
 * An id a caller gave, what it names, and the input field that named it (`customerId`, `ownerId`); in a bulk call
 * also the item's index, as kit/bulk.ts names items.
 */
export interface Reference {
  type: ReferenceType;
  field: string;
  id: string;
  index?: number;
}

/** Ids are asked of their owner in pages of this size (a bulk call of 1,000 is one request). */
const LOOKUP_PAGE = 1000;
/** How many unknown ids a refusal's message names (extensions.items names them all). */
const NAMED_IN_MESSAGE = 5;

const keyOf = (type: ReferenceType, id: string) => `${type}:${id.toLowerCase()}`;

/**
 * What a deal or a quote belongs to, asked in the same lookup: named beside a customer (and a quote beside a deal) in
 * one input, it must be theirs (`mustBelongTogether`).
 */
const BELONGS_TO = { Opportunity: ['customer'], Quote: ['customer', 'opportunity'] } as const satisfies Partial<Record<ReferenceType, readonly Owner[]>>;
type Owner = 'customer' | 'opportunity';
const OWNER_TYPES: Record<Owner, ReferenceType> = { customer: 'Customer', opportunity: 'Opportunity' };

/** A record its owner knows: the id to store (a merged customer's survivor's), and the ids of what it belongs to. */
interface Known {
  id: string;
  customer?: { id: string } | null;
  opportunity?: { id: string } | null;
}

/**
 * Checks ids a caller gave against the subgraphs that own what they name, before anything is written for them: an
 * id the owner does not know is refused with NOT_FOUND naming its field (`extensions.field`; in a bulk call every
 * unknown item in `extensions.items`, as kit/bulk.ts names items), so a bulk call fails whole. The answer maps each
 * id given (`keyOf`) to the id to store: a merged customer's is its survivor's.
 *
 * One request per owning subgraph for up to 1,000 distinct ids of any of its types (identity's `_entities`, the
 * query the gateway uses), as the platform, the owners asked at once; a malformed id is left to the caller's own
 * parsing (BAD_USER_INPUT), and an owner being unreachable is SERVICE_UNAVAILABLE: nothing is written, the client
 * retries.
 */
export async function checkReferences(graph: GraphClient, references: readonly Reference[]): Promise<Map<string, string>> {
  return new Map([...(await lookUpReferences(graph, references))].map(([key, known]) => [key, known.id]));
}

/** checkReferences, with what each deal or quote belongs to. */
async function lookUpReferences(graph: GraphClient, references: readonly Reference[]): Promise<Map<string, Known>> {
  const live = await findKnown(graph, references);
  const unknown = references.filter((reference) => isUuid(reference.id) && !live.has(keyOf(reference.type, reference.id)));
  if (unknown.length > 0) throw unknownReferences(unknown, references);
  return live;
}

/** The records their owners know, by `keyOf`; the rest are missing. */
async function findKnown(graph: GraphClient, references: ReadonlyArray<{ type: ReferenceType; id: string }>): Promise<Map<string, Known>> {
  const distinct = new Map<string, { type: ReferenceType; id: string }>();
  for (const { type, id } of references) if (isUuid(id)) distinct.set(keyOf(type, id), { type, id: id.toLowerCase() });
  const byOwner = new Map<SubgraphName, Array<{ type: ReferenceType; id: string }>>();
  for (const wanted of distinct.values()) byOwner.set(OWNERS[wanted.type], [...(byOwner.get(OWNERS[wanted.type]) ?? []), wanted]);
  const live = new Map<string, Known>();
  await Promise.all(
    [...byOwner].map(async ([owner, wanted]) => {
      for (let start = 0; start < wanted.length; start += LOOKUP_PAGE) {
        const page = wanted.slice(start, start + LOOKUP_PAGE);
        const found = await lookUp(graph, owner, page);
        page.forEach(({ type, id }, index) => {
          const known = found[index];
          if (known?.id) live.set(keyOf(type, id), { ...known, id: known.id.toLowerCase() });
        });
      }
    }),
  );
  return live;
}

function unknownReferences(unknown: Reference[], references: readonly Reference[]): DomainError {
  const problem = (reference: Reference) => `${reference.type} ${reference.id} does not exist`;
  const [first] = unknown;
  if (first!.index === undefined)
    return new DomainError('NOT_FOUND', `${first!.field}: ${problem(first!)}`, { type: first!.type, id: first!.id, field: first!.field });
  const types = new Set(unknown.map((reference) => reference.type));
  const [type] = types;
  const total = references.filter((reference) => types.has(reference.type)).length;
  const items = unknown
    .sort((a, b) => a.index! - b.index!)
    .map((reference) => ({ index: reference.index!, field: reference.field, message: problem(reference) }));
  const named = items.slice(0, NAMED_IN_MESSAGE).map((item) => `item ${item.index} (${item.field}): ${item.message}`);
  const more = items.length > NAMED_IN_MESSAGE ? `; and ${items.length - NAMED_IN_MESSAGE} more in extensions.items` : '';
  const ids = types.size === 1 ? IDS[type!] : 'ids';
  return new DomainError('NOT_FOUND', `${items.length} of ${total} ${ids} are unknown, so none was written: ${named.join('; ')}${more}`, {
    ...(types.size === 1 ? { type } : {}),
    field: 'input',
    items,
  });
}

/** Where each mutation's arguments name other subgraphs' records (by mutation name; root fields are unique across the graph). */
const declaredReferences = new Map<string, Array<{ type: ReferenceType; path: string }>>();

/**
 * Declares where a mutation's arguments name records of `type`, e.g. `'input.ownerId'`, `'customerIds[]'`,
 * `'input[].customerId'` (`[]`: every item of a list, named by its index). kit/mutations.ts checks them with their
 * owner once the caller is authorized and before the mutation's transaction opens, and replaces a merged customer's
 * id by its survivor's in the arguments the resolver then receives. No database connection is held while the owner
 * answers: a slow identity must not leave a subgraph's pool to mutations waiting for it while its reads queue behind
 * them.
 */
export function ChecksReferences(
  type: ReferenceType,
  ...paths: [string, ...string[]]
): (target: object, key: string | symbol, descriptor: PropertyDescriptor) => void {
  return (_target, key, descriptor) => {
    const declared = declaredReferences.get(String(key)) ?? [];
    declaredReferences.set(String(key), [...declared, ...paths.map((path) => ({ type, path }))]);
    // A refusal found before the transaction is raised here, once type-graphql has validated the arguments: malformed
    // input is BAD_USER_INPUT before any rule, an unknown reference included.
    const resolve = descriptor.value as (...params: unknown[]) => unknown;
    descriptor.value = function (this: unknown, ...params: unknown[]) {
      const refusal = pendingRefusal.getStore();
      if (refusal) throw refusal;
      return resolve.apply(this, params);
    };
  };
}

/** Declares where a mutation's arguments name members of staff (identity's users): an owner, an assignee, an author. */
export const ChecksStaff = (...paths: [string, ...string[]]) => ChecksReferences('User', ...paths);

const pendingRefusal = new AsyncLocalStorage<unknown>();

/** Runs the mutation's resolution with `refusal` to raise once its arguments are validated (see ChecksReferences). */
export const refuseAfterValidation = <T>(refusal: unknown, resolve: () => T): T => pendingRefusal.run(refusal, resolve);

interface Slot {
  holder: Record<string, unknown>;
  key: string;
  reference: Reference;
}

/** The ids at `path` in `value`, each with where it sits (to put a survivor back). */
function slotsAt(type: ReferenceType, value: unknown, path: string[], index?: number): Slot[] {
  const [segment, ...rest] = path;
  if (!segment || value == null || typeof value !== 'object') return [];
  const list = segment.endsWith('[]');
  const key = list ? segment.slice(0, -2) : segment;
  const holder = value as Record<string, unknown>;
  const child = holder[key];
  if (list) {
    if (!Array.isArray(child)) return [];
    if (rest.length > 0) return child.flatMap((item, i) => slotsAt(type, item, rest, i));
    return child.flatMap((id, i) =>
      typeof id === 'string' ? [{ holder: child as unknown as Record<string, unknown>, key: String(i), reference: { type, field: key, id, index: i } }] : [],
    );
  }
  if (rest.length > 0) return slotsAt(type, child, rest, index);
  return typeof child === 'string' ? [{ holder, key, reference: { type, field: key, id: child, ...(index === undefined ? {} : { index }) } }] : [];
}

/**
 * Checks the records a mutation's arguments name, as its declarations say; a merged customer's id becomes its
 * survivor's. The caller's own id as a member of staff (the default owner, an author writing as themselves) is not
 * asked: the gateway has just found them in identity.
 */
export async function checkDeclaredReferences(mutation: string, args: Record<string, unknown>, graph: GraphClient, viewer: Viewer): Promise<void> {
  const declared = declaredReferences.get(mutation);
  if (!declared) return;
  const slots = declared
    .flatMap(({ type, path }) => slotsAt(type, args, path.split('.')))
    .filter(({ reference }) => !(reference.type === 'User' && viewer.kind === 'user' && reference.id.toLowerCase() === viewer.id.toLowerCase()));
  if (slots.length === 0) return;
  const live = await lookUpReferences(
    graph,
    slots.map((slot) => slot.reference),
  );
  await mustBelongTogether(graph, slots, live);
  for (const slot of slots) {
    if (slot.reference.type === 'Customer') slot.holder[slot.key] = live.get(keyOf('Customer', slot.reference.id))?.id ?? slot.reference.id;
  }
}

/**
 * Records named together in one input must belong together: a deal or a quote named beside a customer is that
 * customer's, a quote named beside a deal is of that deal (`registerAsset(input: { customerId, opportunityId,
 * quoteId })`); else BAD_USER_INPUT naming the deal's or quote's field, and nothing is written. A customer merged
 * since the deal was made is its survivor: the deal's customer is asked of identity before it is called another's.
 */
async function mustBelongTogether(graph: GraphClient, slots: Slot[], live: Map<string, Known>): Promise<void> {
  for (const slot of slots) {
    const owners: readonly Owner[] = BELONGS_TO[slot.reference.type as keyof typeof BELONGS_TO] ?? [];
    const known = live.get(keyOf(slot.reference.type, slot.reference.id));
    for (const owner of owners) {
      const beside = slots.find(
        (other) => other.holder === slot.holder && other.reference.type === OWNER_TYPES[owner] && other.reference.index === slot.reference.index,
      );
      const given = beside && live.get(keyOf(beside.reference.type, beside.reference.id))?.id;
      const actual = known?.[owner]?.id?.toLowerCase();
      if (!given || !actual || actual === given) continue;
      if (owner === 'customer' && (await findKnown(graph, [{ type: 'Customer', id: actual }])).get(keyOf('Customer', actual))?.id === given) continue;
      const { type, field, id } = slot.reference;
      throw new DomainError('BAD_USER_INPUT', `${field}: ${type} ${id} belongs to another ${WORDS[OWNER_TYPES[owner]]} than ${beside.reference.field}`, {
        field,
        ...(slot.reference.index === undefined ? {} : { index: slot.reference.index }),
      });
    }
  }
}

async function lookUp(graph: GraphClient, owner: SubgraphName, wanted: Array<{ type: ReferenceType; id: string }>): Promise<Array<Known | null>> {
  const types = [...new Set(wanted.map(({ type }) => type))];
  const selection = (type: ReferenceType) => ['id', ...(BELONGS_TO[type as keyof typeof BELONGS_TO] ?? []).map((of) => `${of} { id }`)].join(' ');
  try {
    const { _entities } = await graph.query<{ _entities: Array<Known | null> }>(
      owner,
      `query References($representations: [_Any!]!) { _entities(representations: $representations) { ${types.map((type) => `... on ${type} { ${selection(type)} }`).join(' ')} } }`,
      { representations: wanted.map(({ type, id }) => ({ __typename: type, id })) },
    );
    return _entities;
  } catch {
    // What the owner answered (its errors, its address) is not the client's to read.
    const what = types.map((type) => WORDS[type]).join(' and ');
    throw new DomainError(
      'SERVICE_UNAVAILABLE',
      `${owner} could not be asked whether the ${what} ${types.length > 1 ? 'exist' : 'exists'}: nothing was written, retry shortly`,
      {
        service: owner,
      },
    );
  }
}
