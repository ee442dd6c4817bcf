import type { EntityManager } from '@mikro-orm/postgresql';
import type { CountedPage, PageArgs } from '@crm/kit/pagination/connection.js';
import { fetchCountedPage } from '@crm/kit/pagination/keyset.js';
import { CaseStatus, type CaseCategory, type CaseLine, type CasePriority } from '../case/case.enums.js';
import { CaseAssignmentRule } from './case-assignment-rule.entity.js';

/** A case still being worked on: it counts towards its assignee's load (the agent_workload trigger lists the same). */
export const OPEN_CASE_STATUSES = [CaseStatus.NEW, CaseStatus.OPEN, CaseStatus.PENDING];

/** One page of the case assignment rules, newest first, and their totalCount. */
export function caseAssignmentRulesPage(em: EntityManager, page: PageArgs): Promise<CountedPage<CaseAssignmentRule>> {
  return fetchCountedPage(em, { entity: CaseAssignmentRule, orderBy: { property: 'createdAt', descending: true } }, page);
}

export interface RoutableCase {
  line: CaseLine;
  priority: CasePriority;
  category: CaseCategory;
}

export interface ChosenAgent {
  ruleId: string;
  ruleName: string;
  /** Null when the rule's agents have all been deactivated. */
  agentId: string | null;
  openCases: number;
}

/**
 * In one statement: the active rule of the case's line that matches it most specifically (a priority and a
 * category named beat one or none; the oldest rule on a tie), and of its agents still active (staff_status: one
 * identity deactivated gets no new case) the one with the fewest open cases (agent_workload, one row per agent,
 * kept by a trigger), the first listed on a tie; no agent when none of them is active. Null when no rule matches.
 */
export async function chooseAgent(em: EntityManager, found: RoutableCase): Promise<ChosenAgent | null> {
  const rows = await em.execute<Array<{ rule_id: string; rule_name: string; agent_id: string | null; open_cases: string | null }>>(
    `with rule as (
       select r.id, r.name, r.agent_ids from case_assignment_rule r
       where r.active and r.line = ?::case_line
         and (r.priority is null or r.priority = ?::case_priority)
         and (r.category is null or r.category = ?::case_category)
       order by (r.priority is not null)::int + (r.category is not null)::int desc, r.created_at, r.id
       limit 1
     )
     select rule.id as rule_id, rule.name as rule_name, agent.id as agent_id, agent.open_cases
     from rule left join lateral (
       select listed.id, coalesce((select w.open_cases from agent_workload w where w.agent_id = listed.id), 0) as open_cases
       from unnest(rule.agent_ids) with ordinality as listed(id, position)
       where not exists (select 1 from staff_status s where s.user_id = listed.id and not s.active)
       order by open_cases, listed.position
       limit 1
     ) agent on true`,
    [found.line, found.priority, found.category],
  );
  const row = rows[0];
  return row ? { ruleId: row.rule_id, ruleName: row.rule_name, agentId: row.agent_id, openCases: Number(row.open_cases ?? 0) } : null;
}
