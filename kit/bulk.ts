import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError } from './errors.js';
import { pgArray } from './sql.js';
import { eventsCommitWith } from './events.js';

/** Items one bulk call may carry (upsertCustomers, upsertLeads, upsertOpportunities, createQuotes, openCases, recordInteractions). */
export const MAX_BULK_ITEMS = 1000;

/** What a bulk upsert did with one item. */
export enum UpsertOutcome {
  CREATED = 'CREATED',
  UPDATED = 'UPDATED',
  UNCHANGED = 'UNCHANGED',
}
registerEnumType(UpsertOutcome, {
  name: 'UpsertOutcome',
  description: 'CREATED: a new record; UPDATED: something it said changed the record; UNCHANGED: the record already said all of it',
});

/** The GraphQL type of what a bulk write did with one item: its index in the input, its id and its outcome. */
export function UpsertedItemType(name: string, description: string) {
  @ObjectType(name, { description })
  class Upserted implements UpsertedItem {
    @Field(() => Int, { description: "The item's position in the input, from 0" })
    index!: number;

    @Field(() => ID)
    id!: string;

    @Field(() => UpsertOutcome)
    outcome!: UpsertOutcome;
  }
  return Upserted;
}

/**
 * The answer of a bulk upsert of `entity` (e.g. `Lead`): `Upserted<entity>` per item, in input order, and the
 * counts. The caller declares the result's type: `@ObjectType({ description }) class UpsertLeadsResult extends UpsertResultType('Lead') {}`.
 */
export function UpsertResultType(entity: string) {
  const Upserted = UpsertedItemType(`Upserted${entity}`, `What a bulk upsert did with one ${entity.toLowerCase()}`);

  @ObjectType()
  abstract class UpsertResult {
    @Field(() => [Upserted])
    items!: UpsertedItem[];

    @Field(() => Int)
    created!: number;

    @Field(() => Int)
    updated!: number;

    @Field(() => Int)
    unchanged!: number;
  }
  return UpsertResult;
}

/** What a bulk upsert did with one item, at its index in the input. */
export interface UpsertedItem {
  index: number;
  id: string;
  outcome: UpsertOutcome;
}

/** The answer of a bulk upsert: its items in input order, and how many had each outcome. */
export function upsertAnswer(items: UpsertedItem[]): { items: UpsertedItem[]; created: number; updated: number; unchanged: number } {
  const sorted = [...items].sort((a, b) => a.index - b.index);
  const count = (outcome: UpsertOutcome) => sorted.filter((i) => i.outcome === outcome).length;
  return { items: sorted, created: count(UpsertOutcome.CREATED), updated: count(UpsertOutcome.UPDATED), unchanged: count(UpsertOutcome.UNCHANGED) };
}

/** One bad item of a bulk call: where it is (its index in the input), which field, and what is wrong. */
export interface ItemProblem {
  index: number;
  field: string;
  message: string;
}

/** How many problems the message spells out (all of them are in `extensions.items`). */
const PROBLEMS_IN_MESSAGE = 5;

/**
 * Collects every bad item of a bulk call before anything is written, so the caller corrects all of them at once
 * rather than one per retry; `throwIfAny` refuses the whole call (all or nothing) with every problem in
 * `extensions.items`.
 */
export class ItemProblems {
  readonly list: ItemProblem[] = [];

  add(index: number, field: string, message: string): void {
    this.list.push({ index, field, message });
  }

  /** Runs one item's checks; a domain error it throws becomes that item's problem (its field, its message), the result undefined. */
  check<T>(index: number, run: () => T): T | undefined {
    try {
      return run();
    } catch (error) {
      this.addError(index, error);
      return undefined;
    }
  }

  /** A domain error becomes the item's problem; any other error is thrown on (the database's, a defect). */
  addError(index: number, error: unknown): void {
    if (!(error instanceof DomainError)) throw error;
    const field = typeof error.extensions.field === 'string' ? error.extensions.field : 'input';
    this.add(index, field, error.message);
  }

  throwIfAny(total: number, noun: string): void {
    if (this.list.length === 0) return;
    const items = [...this.list].sort((a, b) => a.index - b.index);
    const bad = new Set(items.map((p) => p.index)).size;
    const shown = items.slice(0, PROBLEMS_IN_MESSAGE).map((p) => `item ${p.index} (${p.field}): ${p.message}`);
    const more = items.length > PROBLEMS_IN_MESSAGE ? `; and ${items.length - PROBLEMS_IN_MESSAGE} more in extensions.items` : '';
    throw new DomainError('BAD_USER_INPUT', `${bad} of ${total} ${noun} are not valid, so none was written: ${shown.join('; ')}${more}`, {
      field: 'input',
      items,
    });
  }
}

/**
 * A bulk call whose items go one after another through the single mutation's service, in the caller's transaction:
 * for writes whose rules read what the items before them wrote (a case goes to the agent with the fewest open
 * cases, counting those just opened). Every item is tried and every problem named; any problem refuses the whole
 * call, and the transaction's rollback takes back what the items before it wrote.
 *
 * Each item gets a unit of work of its own in that transaction, flushed when it is done: a flush compares every
 * entity its unit of work holds, so in the call's one unit of work each item cost more than the one before it (the
 * 400th case of a call took twice as long as the 20th).
 */
export async function eachItem<I, T>(em: EntityManager, items: readonly I[], noun: string, write: (em: EntityManager, item: I) => Promise<T>): Promise<T[]> {
  checkBulkSize(items, noun);
  const problems = new ItemProblems();
  const written: T[] = [];
  for (const [index, item] of items.entries()) {
    const itemEm = em.fork({ keepTransactionContext: true });
    try {
      const value = await write(itemEm, item);
      await itemEm.flush();
      written.push(value);
    } catch (error) {
      problems.addError(index, error);
    } finally {
      eventsCommitWith(itemEm, em);
      // What the item answers is read after the transaction has ended: through the pool, not through it.
      itemEm.resetTransactionContext();
    }
  }
  problems.throwIfAny(items.length, noun);
  return written;
}

/** A bulk call carries 1 to MAX_BULK_ITEMS items. */
export function checkBulkSize(items: readonly unknown[], noun: string): void {
  if (items.length === 0) throw new DomainError('BAD_USER_INPUT', `Send at least one of the ${noun}`, { field: 'input' });
  if (items.length > MAX_BULK_ITEMS) {
    throw new DomainError('BAD_USER_INPUT', `Send at most ${MAX_BULK_ITEMS} ${noun} per call, got ${items.length}: split them into several calls`, {
      field: 'input',
    });
  }
}

/** Items whose key repeats within one call: each but the first is a problem (which one wins would be a guess). */
export function repeatedKeys(keys: ReadonlyArray<string | null>, problems: ItemProblems, field: string, what: string): void {
  const first = new Map<string, number>();
  keys.forEach((key, index) => {
    if (key === null) return;
    const earlier = first.get(key);
    if (earlier === undefined) first.set(key, index);
    else problems.add(index, field, `the same ${what} as item ${earlier}: send each record once per call`);
  });
}

/** An item of a bulk upsert by the partner's key, once its own checks passed: its place in the input and the key. */
export interface KeyedItem {
  index: number;
  sourceSystem: string;
  externalId: string;
}

/** A partner's key as one text (for maps and the advisory lock, which takes no NUL byte). */
export const partnerKey = (sourceSystem: string, externalId: string): string => JSON.stringify([sourceSystem, externalId]);

/**
 * The items of a bulk upsert by the partner's key that pass their own checks (`prepare` throws a domain error for a
 * bad one), and the problems found so far (those items, and each repeat of a key), to be thrown with those found later.
 */
export function keyedItems<I, P extends KeyedItem>(
  inputs: readonly I[],
  noun: string,
  prepare: (input: I, index: number) => P,
): { problems: ItemProblems; valid: P[] } {
  checkBulkSize(inputs, noun);
  const problems = new ItemProblems();
  const prepared = inputs.map((input, index) => problems.check(index, () => prepare(input, index)));
  const keys = prepared.map((item) => (item ? partnerKey(item.sourceSystem, item.externalId) : null));
  repeatedKeys(keys, problems, 'externalId', 'sourceSystem and externalId');
  return { problems, valid: prepared.filter((item): item is P => item !== undefined) };
}

/** Two calls writing the same keys take turns: a transaction advisory lock per key (`<scope>:<key>`), in one order. */
export async function lockPartnerKeys(tx: EntityManager, scope: string, items: readonly KeyedItem[]): Promise<void> {
  const keys = [...new Set(items.map((item) => partnerKey(item.sourceSystem, item.externalId)))].sort();
  await tx.execute(`select pg_advisory_xact_lock(hashtextextended(? || key, 0)) from unnest(?::text[]) as key`, [`${scope}:`, pgArray(keys)]);
}
