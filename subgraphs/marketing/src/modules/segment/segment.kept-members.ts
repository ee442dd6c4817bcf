import type { EntityManager } from '@mikro-orm/postgresql';
import { inTransaction } from '@crm/kit/database.js';
import { enqueueJob } from '@crm/kit/jobs.js';
import { compileRules } from './segment.compiler.js';
import type { Segment } from './segment.entity.js';

/**
 * The kept membership of the active DYNAMIC segments (ADR 22): who matched each one's rules when it was last
 * refreshed (segment_kept_member), so that a segment's size is a count of its members rather than its rules evaluated
 * over every profile, which grew with the customers (ADR 12, Data size).
 *
 * - A segment is kept once the job has evaluated it whole with the rules it has now (`kept_rules = rules`); until
 *   then (a new segment, changed rules) its size is evaluated from the rules, as it always was.
 * - A kept segment is exact when read: each read first evaluates again what may have changed since the last refresh,
 *   the customers whose interactions, consents, open deals or profile changed (segment_stale_customer, marked by
 *   triggers in the changing transaction) and those whose counted interactions have left their window since
 *   (segment_recheck). Taking the marks and evaluating them is one statement, so both see one snapshot: a mark not
 *   taken belongs to a change the evaluation did not see either.
 * - Refreshes take one advisory lock, so they apply in turn and each statement starts after the refresh before it
 *   committed. A read that finds more marks than it should evaluate while someone waits answers from the rules
 *   instead, and leaves them to the job, which runs every minute without a statement timeout (jobs.ts).
 */

const LOCK = `select pg_advisory_xact_lock(hashtext('segment-kept-members'))`;

/** Marks past which a read answers from the rules and leaves the catching up to the job (a bulk import's). */
export const READ_REFRESH_LIMIT = 5000;

/** The segments (`alias`) kept with the rules they have now. */
const kept = (alias: string) => `${alias}.kind = 'DYNAMIC' and ${alias}.archived_at is null and ${alias}.kept_rules = ${alias}.rules`;

/** What a read would have to evaluate: the marks (counted up to a limit), and whether a kept segment's recheck is due. */
const PENDING = `select (select count(*) from (select from segment_stale_customer limit ?) marked)::int as marked,
    exists (select from segment_recheck r join segment s on s.id = r.segment_id where r.due_at <= ? and ${kept('s')}) as due`;

/** The graphile-worker task that keeps new and changed segments whole and takes every mark (jobs.ts, every minute). */
export const KEEP_SEGMENT_MEMBERS = 'segment-kept-members';

/**
 * A new segment, or new rules: the job keeps it soon rather than at the next minute (its one pending run, by key), in
 * the transaction of the change.
 */
export async function keepSoon(em: EntityManager): Promise<void> {
  await inTransaction(em, (tx) => enqueueJob(tx, KEEP_SEGMENT_MEMBERS, {}, { jobKey: KEEP_SEGMENT_MEMBERS }));
}

/**
 * Before a read of sizes: brings the kept segments up to date, in `em`'s transaction or its own. False when there was
 * too much to do while someone waits: the read then evaluates the rules.
 */
export async function refreshForRead(em: EntityManager, now: Date): Promise<boolean> {
  const [pending] = await em.execute<Array<{ marked: number; due: boolean }>>(PENDING, [READ_REFRESH_LIMIT + 1, now]);
  if (!pending || (pending.marked === 0 && !pending.due)) return true;
  if (pending.marked > READ_REFRESH_LIMIT) return false;
  await inTransaction(em, (tx) => takeMarks(tx, now));
  return true;
}

/** The job: every new or changed segment evaluated whole (one transaction each), then every mark taken. */
export async function keepSegmentMembers(em: EntityManager, now = new Date()): Promise<void> {
  const waiting = await em.execute<Array<{ id: string }>>(
    `select id from segment where kind = 'DYNAMIC' and archived_at is null and kept_rules is distinct from rules`,
  );
  for (const { id } of waiting) {
    await em.fork().transactional(async (tx) => {
      await tx.execute('set local statement_timeout = 0');
      await tx.execute(LOCK);
      const [segment] = await tx.execute<Array<{ id: string; rules: Segment['rules'] }>>(
        `select id, rules from segment where id = ? and kind = 'DYNAMIC' and archived_at is null and kept_rules is distinct from rules`,
        [id],
      );
      if (!segment?.rules) return;
      const evaluation = evaluate(0, segment.id, segment.rules, now, null);
      // The rules it was evaluated with: a change committed meanwhile leaves them different, and it is evaluated again.
      await tx.execute(`with ${evaluation.ctes} update segment set kept_rules = ?::jsonb where id = ?`, [
        ...evaluation.params,
        JSON.stringify(segment.rules),
        segment.id,
      ]);
    });
  }
  await em.fork().transactional(async (tx) => {
    await tx.execute('set local statement_timeout = 0');
    await takeMarks(tx, now);
  });
}

/**
 * Takes every committed mark and every due recheck of the kept segments and evaluates them for each, in one statement.
 * The marks are taken whether or not a segment is kept: a segment kept later is evaluated whole, after them.
 */
async function takeMarks(tx: EntityManager, now: Date): Promise<void> {
  await tx.execute(LOCK);
  const segments = await tx.execute<Array<{ id: string; rules: NonNullable<Segment['rules']> }>>(`select id, rules from segment s where ${kept('s')}`);
  const ctes = [
    'marked as (delete from segment_stale_customer returning customer_id)',
    'due as (select segment_id, customer_id from segment_recheck where due_at <= ?)',
  ];
  const params: unknown[] = [now];
  segments.forEach((segment, i) => {
    ctes.push(`customers${i} as (select customer_id from marked union select customer_id from due where segment_id = ?)`);
    params.push(segment.id);
    const evaluation = evaluate(i, segment.id, segment.rules, now, `customers${i}`);
    ctes.push(evaluation.ctes);
    params.push(...evaluation.params);
  });
  await tx.execute(`with ${ctes.join(', ')} select count(*) from marked`, params);
}

/**
 * The common table expressions that evaluate a segment's rules for the customers of `among` (a CTE of customer_id;
 * every profile when null) and keep the answer: members who no longer match go, new ones come, and each one's next
 * recheck is kept. Each CTE names its own rows (suffix `i`), so that one statement holds many segments.
 */
function evaluate(i: number, segmentId: string, rules: NonNullable<Segment['rules']>, now: Date, among: string | null): { ctes: string; params: unknown[] } {
  const compiled = compileRules(rules, now);
  const due = compiled.due ?? { sql: 'null::timestamptz', params: [] };
  const profiles = among ? `t.id in (select customer_id from ${among})` : 'true';
  const asked = (alias: string) => (among ? `and ${alias}.customer_id in (select customer_id from ${among})` : '');
  return {
    ctes: `evaluated${i} as (
        select t.id, (${compiled.sql}) as member, ${due.sql} as due_at from customer_profile t where ${profiles}
      ), left${i} as (
        delete from segment_kept_member m where m.segment_id = ? ${asked('m')}
          and not exists (select from evaluated${i} e where e.id = m.customer_id and e.member)
      ), joined${i} as (
        insert into segment_kept_member (segment_id, customer_id) select ?, id from evaluated${i} where member on conflict do nothing
      ), unscheduled${i} as (
        delete from segment_recheck r where r.segment_id = ? ${asked('r')}
          and not exists (select from evaluated${i} e where e.id = r.customer_id and e.due_at is not null)
      ), scheduled${i} as (
        insert into segment_recheck (segment_id, customer_id, due_at) select ?, id, due_at from evaluated${i} where due_at is not null
        on conflict (segment_id, customer_id) do update set due_at = excluded.due_at
      )`,
    params: [...compiled.params, ...due.params, segmentId, segmentId, segmentId, segmentId],
  };
}

/**
 * An archived segment's kept members and rechecks go (no refresh keeps them any more, so they would outlive an erased
 * customer), under the refreshes' lock: a refresh holding them would otherwise wait on this and this on it.
 */
export async function forgetKeptMembers(em: EntityManager, segmentId: string): Promise<void> {
  const forget = async (tx: EntityManager) => {
    await tx.execute(LOCK);
    await tx.execute('delete from segment_kept_member where segment_id = ?', [segmentId]);
    await tx.execute('delete from segment_recheck where segment_id = ?', [segmentId]);
  };
  await inTransaction(em, forget);
}

/** A size of an active DYNAMIC segment: its kept members' count when it is kept, else its rules evaluated. */
export function dynamicSize(segment: Segment, now: Date, current: boolean): { sql: string; params: unknown[] } {
  const rules = compileRules(segment.rules!, now);
  const evaluated = `(select count(*) from customer_profile t where ${rules.sql})`;
  if (!current) return { sql: `select ?::uuid as segment_id, ${evaluated} as total`, params: [segment.id, ...rules.params] };
  // A CASE runs only the branch it takes: the rules' subquery is never executed for a kept segment.
  return {
    sql: `select s.id as segment_id, case when ${kept('s')} then (select count(*) from segment_kept_member k where k.segment_id = s.id) else ${evaluated} end as total
      from segment s where s.id = ?`,
    params: [...rules.params, segment.id],
  };
}
