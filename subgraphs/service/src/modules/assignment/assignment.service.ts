import type { EntityManager } from '@mikro-orm/postgresql';
import { notFound } from '@crm/kit/errors.js';
import { recordEvent } from '@crm/kit/events.js';
import { parseId } from '@crm/kit/ids.js';
import { assertVersion } from '@crm/kit/versioning.js';
import type { Case } from '../case/case.entity.js';
import { recordCaseEvent } from '../case/case.events.js';
import type { CreateCaseAssignmentRuleInput, UpdateCaseAssignmentRuleInput } from './assignment.inputs.js';
import { chooseAgent } from './assignment.queries.js';
import { CaseAssignmentRule } from './case-assignment-rule.entity.js';

const agentIdsOf = (ids: string[]) => [...new Set(ids.map((id) => parseId(id, 'User', 'agentIds')))];

const ruleSnapshot = (rule: CaseAssignmentRule) => ({
  ruleId: rule.id,
  name: rule.name,
  line: rule.line,
  priority: rule.priority ?? null,
  category: rule.category ?? null,
  agentIds: rule.agentIds,
  active: rule.active,
});

export async function createCaseAssignmentRule(em: EntityManager, input: CreateCaseAssignmentRuleInput): Promise<CaseAssignmentRule> {
  const rule = em.create(CaseAssignmentRule, {
    name: input.name.trim(),
    line: input.line,
    priority: input.priority ?? null,
    category: input.category ?? null,
    agentIds: agentIdsOf(input.agentIds),
  });
  recordEvent(em, { type: 'CaseAssignmentRuleCreated', aggregateId: rule.id, payload: ruleSnapshot(rule) });
  await em.flush();
  return rule;
}

export async function updateCaseAssignmentRule(
  em: EntityManager,
  id: string,
  version: number,
  input: UpdateCaseAssignmentRuleInput,
): Promise<CaseAssignmentRule> {
  const rule = await em.findOne(CaseAssignmentRule, { id: parseId(id, 'CaseAssignmentRule') });
  if (!rule) throw notFound('CaseAssignmentRule', id);
  assertVersion(rule, version, 'CaseAssignmentRule');
  const changedFields: string[] = [];
  if (input.agentIds != null) {
    const agentIds = agentIdsOf(input.agentIds);
    if (agentIds.join() !== rule.agentIds.join()) changedFields.push('agentIds');
    rule.agentIds = agentIds;
  }
  if (input.active != null && input.active !== rule.active) {
    rule.active = input.active;
    changedFields.push('active');
  }
  if (changedFields.length === 0) return rule;
  recordEvent(em, { type: 'CaseAssignmentRuleChanged', aggregateId: rule.id, payload: { ...ruleSnapshot(rule), changedFields } });
  await em.flush();
  return rule;
}

/**
 * A new case opened without an assignee goes to the agent the assignment rules choose (the agent is told by
 * CaseAssigned); without a matching rule it waits unassigned, and CaseLeftUnassigned and `assignmentReason` say why.
 * Cases of one rule are assigned one at a time (a transaction lock), so two opened at once see each other's load.
 */
export async function assignNewCase(em: EntityManager, found: Case): Promise<void> {
  // The lock only where a rule applies, and per rule: cases no rule places, and other rules' cases, do not queue
  // behind each other (a burst of openCase on one line would otherwise run one transaction at a time).
  const candidate = await chooseAgent(em, found);
  if (candidate) await em.execute('select pg_advisory_xact_lock(hashtext(?))', [`case-assignment:${candidate.ruleId}`]);
  const chosen = candidate && (await chooseAgent(em, found));
  if (!chosen?.agentId) {
    found.assignmentReason = chosen
      ? `rule "${chosen.ruleName}" matches, but none of its agents is active; it waits unassigned`
      : `no assignment rule matches a ${found.priority} ${found.category} case of the ${found.line} line; it waits unassigned`;
    recordCaseEvent(em, found, 'CaseLeftUnassigned', { reason: found.assignmentReason });
    return;
  }
  found.assigneeId = chosen.agentId;
  found.assignmentReason = `rule "${chosen.ruleName}": the agent had ${chosen.openCases} open case${chosen.openCases === 1 ? '' : 's'}, the fewest`;
  recordCaseEvent(em, found, 'CaseAssigned', { previousAssigneeId: null, reason: found.assignmentReason });
}
