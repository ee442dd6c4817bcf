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
 *   committed. A read that finds more to evaluate than it should while someone waits, or the lock taken,
 *   answers from the rules instead, and leaves it to the job, which runs every minute without a statement timeout (jobs.ts).
 */

const LOCK = `select pg_advisory_xact_lock(hashtext('segment-kept-members'))`;

/**
 * Evaluations (marks times kept segments, plus due rechecks) past which a read answers from the rules and leaves the
 * catching up to the job (a bulk import's).
 */
export const READ_REFRESH_LIMIT = 5000;

/** The segments (`alias`) kept with the rules they have now. */
const kept = (alias: string) => `${alias}.kind = 'DYNAMIC' and ${alias}.archived_at is null and ${alias}.kept_rules = ${alias}.rules`;

/**
 * What a read would have to evaluate: the marks and the kept segments' due rechecks (each counted up to a limit), and
 * the kept segments (each mark is evaluated for every one of them).
 */
const PENDING = `select (select count(*) from (select from segment_stale_customer limit ?) marked)::int as marked,
    (select count(*) from (select from segment_recheck r join segment s on s.id = r.segment_id where r.due_at <= ? and ${kept('s')} limit ?) due)::int as due,
    (select count(*) from segment s where ${kept('s')})::int as kept`;

/** The graphile-worker task that keeps new and changed segments whole and takes every mark (jobs.ts, every minute). */
export const KEEP_SEGMENT_MEMBERS = 'segment-kept-members';

/**
 * New rules (`segmentId`) or a new segment: the job keeps it soon rather than at the next minute (its one pending run,
 * by key), in the transaction of the change. New rules are kept again only by a whole evaluation, even when they are
 * the ones it was last kept with: marks taken while it had others were not evaluated for it. Beside the unit of work,
 * as progress rather than a change anyone made (no version, no audit).
 */
export async function keepSoon(em: EntityManager, segmentId?: string): Promise<void> {
  await inTransaction(em, async (tx) => {
    if (segmentId) await tx.execute('update segment set kept_rules = null where id = ?', [segmentId]);
    await enqueueJob(tx, KEEP_SEGMENT_MEMBERS, {}, { jobKey: KEEP_SEGMENT_MEMBERS });
  });
}

/**
 * Before a read of sizes: brings the kept segments up to date, in `em`'s transaction or its own. False when that is
 * more than a read should do while someone waits (a bulk import's marks, another refresh or the job at work): the
 * read then evaluates the rules.
 */
export async function refreshForRead(em: EntityManager, now: Date): Promise<boolean> {
  const [pending] = await em.execute<Array<{ marked: number; due: number; kept: number }>>(PENDING, [READ_REFRESH_LIMIT + 1, now, READ_REFRESH_LIMIT + 1]);
  if (!pending || pending.kept === 0 || (pending.marked === 0 && pending.due === 0)) return true;
  if (pending.marked * pending.kept + pending.due > READ_REFRESH_LIMIT) return false;
  return inTransaction(em, (tx) => takeMarks(tx, now, 'if free'));
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
      await tx.execute(`with ${evaluation.ctes} select count(*) from evaluated0`, evaluation.params);
      // The rules it was evaluated with, last, so that its row is locked only while this commits: a change committed
      // meanwhile leaves them different, and it is evaluated again.
      await tx.execute('update segment set kept_rules = ?::jsonb where id = ?', [JSON.stringify(segment.rules), segment.id]);
    });
  }
  await em.fork().transactional(async (tx) => {
    await tx.execute('set local statement_timeout = 0');
    await takeMarks(tx, now, 'wait');
  });
}

/**
 * Takes every committed mark and every due recheck of the kept segments and evaluates them for each, in one statement;
 * archived segments' kept members and rechecks go in it too. The marks are taken whether or not a segment is kept: a
 * segment kept later is evaluated whole, after them. A read asks for the lock `if free` and gives way (false) when
 * another refresh or the job holds it.
 */
async function takeMarks(tx: EntityManager, now: Date, lock: 'wait' | 'if free'): Promise<boolean> {
  if (lock === 'wait') await tx.execute(LOCK);
  else {
    const [got] = await tx.execute<Array<{ locked: boolean }>>(`select pg_try_advisory_xact_lock(hashtext('segment-kept-members')) as locked`);
    if (!got?.locked) return false;
  }
  const segments = await tx.execute<Array<{ id: string; rules: NonNullable<Segment['rules']> }>>(`select id, rules from segment s where ${kept('s')}`);
  const ctes = [
    'marked as (delete from segment_stale_customer returning customer_id)',
    'due as (select segment_id, customer_id from segment_recheck where due_at <= ?)',
    // No refresh keeps an archived segment's members any more: they would outlive an erased customer.
    `archived_members as (delete from segment_kept_member k using segment s where s.id = k.segment_id and s.archived_at is not null)`,
    `archived_rechecks as (delete from segment_recheck r using segment s where s.id = r.segment_id and s.archived_at is not null)`,
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
  return true;
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
