import type { EntityManager } from '@mikro-orm/postgresql';
import { Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { caseScopeSql } from '@crm/kit/access/row-scope.js';
import type { Viewer } from '@crm/kit/access/viewer.js';
import { parseId } from '@crm/kit/ids.js';
import { User } from '../staff/user.reference.js';
import { CaseLine, CasePriority } from './case.enums.js';
import { atRiskSql, CASE_SCOPE } from './case.queries.js';

@InputType({ description: 'Narrows caseQueue (and caseQueueChanged) to a line, a priority or an agent' })
export class CaseQueueFilter {
  @Field(() => CaseLine, { nullable: true }) line?: CaseLine | null;
  @Field(() => CasePriority, { nullable: true }) priority?: CasePriority | null;
  @Field(() => ID, { nullable: true, description: 'The assignee' }) agentId?: string | null;
}

@ObjectType({ description: 'Open cases of one line and priority' })
export class CaseQueueRow {
  @Field(() => CaseLine) line!: CaseLine;
  @Field(() => CasePriority) priority!: CasePriority;
  @Field(() => Int) open!: number;
  @Field(() => Int) atRisk!: number;
  @Field(() => Int) breached!: number;
}

@ObjectType({ description: "One agent's open cases" })
export class AgentLoad {
  @Field(() => User, { nullable: true, description: 'Null: the cases nobody is assigned' }) agent!: User | null;
  @Field(() => Int) open!: number;
  @Field(() => Int) atRisk!: number;
  @Field(() => Int) breached!: number;
}

@ObjectType({
  description:
    'The open cases (NEW, OPEN, PENDING) the viewer works, counted: atRisk as Case.slaAtRisk (a deadline still to meet is in its at-risk window), breached as Case.firstResponseBreached or resolutionBreached, both as of the moment of reading',
})
export class CaseQueue {
  @Field(() => Int) open!: number;
  @Field(() => Int) atRisk!: number;
  @Field(() => Int) breached!: number;
  @Field(() => [CaseQueueRow], { description: 'By line, then priority (most urgent first); only those with open cases' }) rows!: CaseQueueRow[];
  @Field(() => [AgentLoad], { description: 'By open cases, most first' }) agents!: AgentLoad[];
}

const OPEN = "status in ('NEW', 'OPEN', 'PENDING')";
/** Case.firstResponseBreached or resolutionBreached of an open case, at `?` (now). */
const BREACHED = '(coalesce(first_responded_at, ?) > first_response_due_at or resolution_due_at < ?)';
const PRIORITY_ORDER = [CasePriority.URGENT, CasePriority.HIGH, CasePriority.NORMAL, CasePriority.LOW];

interface Row {
  line: CaseLine | null;
  priority: CasePriority | null;
  assignee_id: string | null;
  by_queue: boolean;
  by_agent: boolean;
  open: number;
  at_risk: number;
  breached: number;
}

/**
 * One statement over the open cases the viewer works (index on status, line, priority): by line and priority, by
 * assignee and in total. At risk is the same condition as casesAtRisk and Case.slaAtRisk (business time included:
 * the fixed at-risk moments), so the numbers agree with the lists.
 */
export async function caseQueue(em: EntityManager, filter: CaseQueueFilter | null | undefined, viewer: Viewer, now = new Date()): Promise<CaseQueue> {
  const atRisk = atRiskSql(null, now);
  const scope = caseScopeSql(viewer, CASE_SCOPE);
  const where: string[] = [OPEN, scope.sql];
  const params: unknown[] = [...scope.params];
  const narrow = (sql: string, value: unknown) => (where.push(sql), params.push(value));
  if (filter?.line) narrow('line = ?', filter.line);
  if (filter?.priority) narrow('priority = ?', filter.priority);
  if (filter?.agentId) narrow('assignee_id = ?', parseId(filter.agentId, 'User', 'filter.agentId'));
  const at = now.toISOString();
  const rows = await em.getConnection().execute<Row[]>(
    `select line, priority, assignee_id, grouping(line, priority) = 0 as by_queue, grouping(assignee_id) = 0 as by_agent,
            count(*)::int as open, (count(*) filter (where ${atRisk.sql}))::int as at_risk, (count(*) filter (where ${BREACHED}))::int as breached
       from support_case
      where ${where.join(' and ')}
      group by grouping sets ((line, priority), (assignee_id), ())`,
    [...atRisk.params, at, at, ...params],
  );
  const counts = (row: Row | undefined) => ({ open: row?.open ?? 0, atRisk: row?.at_risk ?? 0, breached: row?.breached ?? 0 });
  return {
    ...counts(rows.find((row) => !row.by_queue && !row.by_agent)),
    rows: rows
      .filter((row) => row.by_queue)
      .sort((a, b) => a.line!.localeCompare(b.line!) || PRIORITY_ORDER.indexOf(a.priority!) - PRIORITY_ORDER.indexOf(b.priority!))
      .map((row) => ({ line: row.line!, priority: row.priority!, ...counts(row) })),
    agents: rows
      .filter((row) => row.by_agent)
      .sort((a, b) => b.open - a.open || String(a.assignee_id).localeCompare(String(b.assignee_id)))
      .map((row) => ({ agent: row.assignee_id ? { id: row.assignee_id } : null, ...counts(row) })),
  };
}
