import type { GraphClient } from './graph-client.js';
import { isUuid } from './ids.js';
import { checkReferences, ChecksReferences } from './references.js';

/**
 * A customer id a caller gave, and the input field that named it (`customerId`); in a bulk call also the item's
 * index, as kit/bulk.ts names items.
 */
export interface CustomerReference {
  field: string;
  id: string;
  index?: number;
}

/**
 * Checks customer ids a caller gave against identity, the owner of customers, before anything is written for them
 * (docs/adr/0016-customer-references.md; kit/references.ts does it for staff, deals and quotes too): an id identity
 * does not know (never created) is refused with NOT_FOUND naming its field (`extensions.field`; in a bulk
 * call also every unknown item in `extensions.items`, as kit/bulk.ts names items), so a bulk call fails whole; a
 * merged id answers its survivor. The answer maps each id given (lower-case) to the customer to store it as.
 *
 * An erased customer's id is still known (identity keeps an empty shell, ADR 8) and accepted: what is written for it
 * afterwards is erased by a new erasure request, not refused (ADR 16).
 *
 * One request to identity for up to 1,000 ids, as the platform (identity's Customer reference, the one that
 * also serves the gateway); a malformed id is left to the caller's own parsing (BAD_USER_INPUT), and identity
 * being unreachable is SERVICE_UNAVAILABLE: nothing is written, the client retries.
 */
export async function checkCustomerReferences(graph: GraphClient, references: readonly CustomerReference[]): Promise<Map<string, string>> {
  const live = await checkReferences(
    graph,
    references.map((reference) => ({ ...reference, type: 'Customer' as const })),
  );
  return new Map([...live].map(([key, survivor]) => [key.slice('Customer:'.length), survivor]));
}

/**
 * Declares where a mutation's arguments name customers, e.g. `'input.customerId'`, `'customerIds[]'`,
 * `'input[].customerId'` (`[]`: every item of a list, named by its index); a merged id is replaced by its survivor's
 * in the arguments the resolver receives. See ChecksReferences.
 */
export const ChecksCustomers = (...paths: [string, ...string[]]) => ChecksReferences('Customer', ...paths);

/** One customer id of an input: the survivor's id when it was merged; NOT_FOUND naming `field` when identity knows none. */
export async function checkCustomerId<T extends string | null | undefined>(graph: GraphClient, id: T, field: string): Promise<T | string> {
  if (id == null || !isUuid(id)) return id;
  return (await checkCustomerReferences(graph, [{ field, id }])).get(id.toLowerCase())!;
}
