import type { EntityManager } from '@mikro-orm/postgresql';
import { pgArray } from '@crm/kit/sql.js';
import { compileRules } from './segment.compiler.js';
import { type Segment, SegmentKind } from './segment.entity.js';

/**
 * The kept membership of the active DYNAMIC segments: who matched each one's rules when it was last refreshed
 * (segment_kept_member), so that a segment's size is a count of its members rather than its rules evaluated over
 * every profile, which grew with the customers (ADR 12, Data size).
 *
 * It is exact when read: every read refreshes it first, evaluating again only what may have changed since the last
 * refresh:
 * - the customers whose interactions, consents, open deals or profile changed (segment_stale_customer, written by
 *   triggers in the changing transaction, so a change is either committed with its mark or not at all);
 * - the customers whose membership may change with time alone, when one of the interactions a `withinDays` window
 *   counts falls out of it (segment_recheck);
 * - whole segments whose rules were never evaluated as they are now (a new segment, changed rules: `kept_rules`).
 *
 * Refreshes take one advisory lock, so they apply in turn, each evaluating with statements that start after the one
 * before it committed: an older evaluation never overwrites a newer one. A read with nothing to refresh costs one
 * statement. A periodic job refreshes as well, so marks do not pile up where nobody reads sizes (jobs.ts).
 */

const REFRESH_LOCK = `select pg_advisory_xact_lock(hashtext('segment-kept-members'))`;

/**
 * Nothing to do: no customer marked, no recheck due, every active dynamic segment kept with its current rules. Marks
 * an uncommitted refresh has taken are still visible here, so a read never skips a refresh still being written.
 */
const UP_TO_DATE = `select not exists (select 1 from segment_stale_customer)
    and not exists (select 1 from segment_recheck where due_at <= ?)
    and not exists (select 1 from segment where kind = 'DYNAMIC' and archived_at is null and kept_rules is distinct from rules) as up_to_date`;

/** The marks committed so far, taken (a refresh still writing has them locked: this one waited for it above). */
const TAKE_MARKS = `with stale as (delete from segment_stale_customer returning customer_id),
    due as (delete from segment_recheck where due_at <= ? returning segment_id, customer_id)
  select distinct null::uuid as segment_id, customer_id from stale
  union select segment_id, customer_id from due`;

/** Brings the kept membership of every active DYNAMIC segment up to date, in `em`'s transaction or its own. */
export async function refreshKeptMembers(em: EntityManager, now = new Date()): Promise<void> {
  const [check] = await em.execute<Array<{ up_to_date: boolean }>>(UP_TO_DATE, [now]);
  if (check?.up_to_date) return;
  const refresh = async (tx: EntityManager) => {
    await tx.execute(REFRESH_LOCK);
    const marks = await tx.execute<Array<{ segment_id: string | null; customer_id: string }>>(TAKE_MARKS, [now]);
    const everyone = marks.filter((mark) => mark.segment_id === null).map((mark) => mark.customer_id);
    const segments = await tx.execute<Array<{ id: string; rules: Segment['rules']; whole: boolean }>>(
      `select id, rules, kept_rules is distinct from rules as whole from segment where kind = 'DYNAMIC' and archived_at is null`,
    );
    for (const segment of segments) {
      if (segment.whole) {
        await keepMembers(tx, segment.id, segment.rules!, now, null);
        continue;
      }
      const due = marks.filter((mark) => mark.segment_id === segment.id).map((mark) => mark.customer_id);
      const customers = [...new Set([...everyone, ...due])];
      if (customers.length > 0) await keepMembers(tx, segment.id, segment.rules!, now, customers);
    }
  };
  await (em.isInTransaction() ? refresh(em) : em.fork().transactional(refresh));
}

/**
 * Evaluates a segment's rules for `customers` (all of its profiles when null) and keeps the answer: members who no
 * longer match go, new ones come, and each one's next recheck is kept. One statement.
 */
async function keepMembers(tx: EntityManager, segmentId: string, rules: NonNullable<Segment['rules']>, now: Date, customers: string[] | null): Promise<void> {
  const compiled = compileRules(rules, now);
  const among = customers ? 't.id = any(?::uuid[]) and ' : '';
  const amongParams = customers ? [pgArray(customers)] : [];
  const kept = customers ? 'and customer_id = any(?::uuid[])' : '';
  const due = compiled.due ?? { sql: 'null::timestamptz', params: [] };
  await tx.execute(
    `with evaluated as (
       select t.id, (${compiled.sql}) as member, ${due.sql} as due_at from customer_profile t where ${among}true
     ), left_it as (
       delete from segment_kept_member m where m.segment_id = ? ${kept}
         and not exists (select from evaluated e where e.id = m.customer_id and e.member)
     ), joined as (
       insert into segment_kept_member (segment_id, customer_id) select ?, id from evaluated where member on conflict do nothing
     ), no_recheck as (
       delete from segment_recheck r where r.segment_id = ? ${kept}
         and not exists (select from evaluated e where e.id = r.customer_id and e.due_at is not null)
     ), recheck as (
       insert into segment_recheck (segment_id, customer_id, due_at) select ?, id, due_at from evaluated where due_at is not null
       on conflict (segment_id, customer_id) do update set due_at = excluded.due_at
     )
     update segment set kept_rules = ?::jsonb where id = ? and ?::boolean`,
    [
      ...compiled.params,
      ...due.params,
      ...amongParams,
      segmentId,
      ...amongParams,
      segmentId,
      segmentId,
      ...amongParams,
      segmentId,
      JSON.stringify(rules),
      segmentId,
      customers === null,
    ],
  );
}

/** Whether a segment's size is counted from its kept members (an active DYNAMIC one) rather than evaluated. */
export const isKept = (segment: Segment): boolean => segment.kind === SegmentKind.DYNAMIC && !segment.archivedAt;
