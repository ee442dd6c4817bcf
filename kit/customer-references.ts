import { AsyncLocalStorage } from 'node:async_hooks';
import { DomainError } from './errors.js';
import type { GraphClient } from './graph-client.js';
import { isUuid } from './ids.js';

/**
 * A customer id a caller gave, and the input field that named it (`customerId`); in a bulk call also the item's
 * index, as kit/bulk.ts names items.
 */
export interface CustomerReference {
  field: string;
  id: string;
  index?: number;
}

/** Lists of customer ids are asked of identity in pages of this size (a bulk call of 1,000 is one request). */
const LOOKUP_PAGE = 1000;
/** How many unknown ids a refusal's message names (extensions.items names them all). */
const NAMED_IN_MESSAGE = 5;

/**
 * Checks customer ids a caller gave against identity, the owner of customers, before anything is written for them
 * (docs/adr/0016-customer-references.md): an id identity does not know (never created, or erased) is refused with
 * NOT_FOUND naming its field (`extensions.field`; in a bulk call also every unknown item in `extensions.items`, as
 * kit/bulk.ts names items), so a bulk call fails whole; a merged id answers its survivor. The answer maps each id
 * given (lower-case) to the customer to store it as.
 *
 * One request to identity for up to 1,000 ids, as the platform (identity's Customer reference, the one that
 * also serves the gateway); a malformed id is left to the caller's own parsing (BAD_USER_INPUT), and identity
 * being unreachable is SERVICE_UNAVAILABLE: nothing is written, the client retries.
 */
export async function checkCustomerReferences(graph: GraphClient, references: readonly CustomerReference[]): Promise<Map<string, string>> {
  const ids = [...new Set(references.filter((reference) => isUuid(reference.id)).map((reference) => reference.id.toLowerCase()))];
  const live = new Map<string, string>();
  for (let start = 0; start < ids.length; start += LOOKUP_PAGE) {
    const page = ids.slice(start, start + LOOKUP_PAGE);
    const found = await lookUp(graph, page);
    page.forEach((id, index) => {
      const survivor = found[index]?.id?.toLowerCase();
      if (survivor) live.set(id, survivor);
    });
  }
  const unknown = references.filter((reference) => isUuid(reference.id) && !live.has(reference.id.toLowerCase()));
  if (unknown.length > 0) throw unknownCustomers(unknown, references.length);
  return live;
}

function unknownCustomers(unknown: CustomerReference[], total: number): DomainError {
  const problem = (reference: CustomerReference) => `Customer ${reference.id} does not exist`;
  const [first] = unknown;
  if (first!.index === undefined)
    return new DomainError('NOT_FOUND', `${first!.field}: ${problem(first!)}`, { type: 'Customer', id: first!.id, field: first!.field });
  const items = unknown.map((reference) => ({ index: reference.index!, field: reference.field, message: problem(reference) }));
  const named = items.slice(0, NAMED_IN_MESSAGE).map((item) => `item ${item.index} (${item.field}): ${item.message}`);
  const more = items.length > NAMED_IN_MESSAGE ? `; and ${items.length - NAMED_IN_MESSAGE} more in extensions.items` : '';
  return new DomainError('NOT_FOUND', `${items.length} of ${total} customer ids are unknown, so none was written: ${named.join('; ')}${more}`, {
    type: 'Customer',
    field: 'input',
    items,
  });
}

/**
 * Where each mutation's arguments name customers (by mutation name; root fields are unique across the graph), as
 * @ChecksCustomers declares them.
 */
const declaredReferences = new Map<string, readonly string[]>();

/**
 * Declares where a mutation's arguments name customers, e.g. `'input.customerId'`, `'customerIds[]'`,
 * `'input[].customerId'` (`[]`: every item of a list, named by its index). kit/mutations.ts checks them with identity
 * once the caller is authorized and before the mutation's transaction opens, and replaces a merged id by its survivor
 * in the arguments the resolver then receives. No database connection is held while identity answers: a slow
 * identity must not leave a subgraph's pool to mutations waiting for it while its reads queue behind them.
 */
export function ChecksCustomers(...paths: [string, ...string[]]): (target: object, key: string | symbol, descriptor: PropertyDescriptor) => void {
  return (_target, key, descriptor) => {
    declaredReferences.set(String(key), paths);
    // A refusal found before the transaction is raised here, once type-graphql has validated the arguments: malformed
    // input is BAD_USER_INPUT before any rule, an unknown customer included.
    const resolve = descriptor.value as (...params: unknown[]) => unknown;
    descriptor.value = function (this: unknown, ...params: unknown[]) {
      const refusal = pendingRefusal.getStore();
      if (refusal) throw refusal;
      return resolve.apply(this, params);
    };
  };
}

const pendingRefusal = new AsyncLocalStorage<unknown>();

/** Runs the mutation's resolution with `refusal` to raise once its arguments are validated (see ChecksCustomers). */
export const refuseAfterValidation = <T>(refusal: unknown, resolve: () => T): T => pendingRefusal.run(refusal, resolve);

interface Slot {
  holder: Record<string, unknown>;
  key: string;
  reference: CustomerReference;
}

/** The customer ids at `path` in `value`, each with where it sits (to put its survivor back). */
function slotsAt(value: unknown, path: string[], index?: number): Slot[] {
  const [segment, ...rest] = path;
  if (!segment || value == null || typeof value !== 'object') return [];
  const list = segment.endsWith('[]');
  const key = list ? segment.slice(0, -2) : segment;
  const holder = value as Record<string, unknown>;
  const child = holder[key];
  if (list) {
    if (!Array.isArray(child)) return [];
    if (rest.length > 0) return child.flatMap((item, i) => slotsAt(item, rest, i));
    return child.flatMap((id, i) =>
      typeof id === 'string' ? [{ holder: child as unknown as Record<string, unknown>, key: String(i), reference: { field: key, id, index: i } }] : [],
    );
  }
  if (rest.length > 0) return slotsAt(child, rest, index);
  return typeof child === 'string' ? [{ holder, key, reference: { field: key, id: child, ...(index === undefined ? {} : { index }) } }] : [];
}

/** Checks the customers a mutation's arguments name, as @ChecksCustomers declared; a merged id becomes its survivor. */
export async function checkDeclaredCustomers(mutation: string, args: Record<string, unknown>, graph: GraphClient): Promise<void> {
  const paths = declaredReferences.get(mutation);
  if (!paths) return;
  const slots = paths.flatMap((path) => slotsAt(args, path.split('.')));
  if (slots.length === 0) return;
  const live = await checkCustomerReferences(
    graph,
    slots.map((slot) => slot.reference),
  );
  for (const slot of slots) slot.holder[slot.key] = live.get(slot.reference.id.toLowerCase()) ?? slot.reference.id;
}

/** One customer id of an input: the survivor's id when it was merged; NOT_FOUND naming `field` when identity knows none. */
export async function checkCustomerId<T extends string | null | undefined>(graph: GraphClient, id: T, field: string): Promise<T | string> {
  if (id == null || !isUuid(id)) return id;
  return (await checkCustomerReferences(graph, [{ field, id }])).get(id.toLowerCase())!;
}

async function lookUp(graph: GraphClient, ids: string[]): Promise<Array<{ id: string } | null>> {
  try {
    const { _entities } = await graph.query<{ _entities: Array<{ id: string } | null> }>(
      'identity',
      'query CustomerReferences($representations: [_Any!]!) { _entities(representations: $representations) { ... on Customer { id } } }',
      { representations: ids.map((id) => ({ __typename: 'Customer', id })) },
    );
    return _entities;
  } catch {
    // What identity answered (its errors, its address) is not the client's to read.
    throw new DomainError('SERVICE_UNAVAILABLE', 'identity could not be asked whether the customer exists: nothing was written, retry shortly', {
      service: 'identity',
    });
  }
}
