import type { EntityManager } from '@mikro-orm/postgresql';
import { assertWorksCase } from '@crm/kit/access/row-scope.js';
import type { Viewer } from '@crm/kit/access/viewer.js';
import { notFound, conflict } from '@crm/kit/errors.js';
import { parseId } from '@crm/kit/ids.js';
import { assertVersion } from '@crm/kit/versioning.js';
import { assignNewCase } from '../assignment/assignment.service.js';
import { WorkingCalendar } from '../calendar/working-calendar.entity.js';
import { businessCalendarOf } from '../calendar/working-calendar.service.js';
import { contractTermsOf } from '../contract/service-contract.service.js';
import { service } from '../../settings.js';
import { slaSchedule } from '../sla/sla.policy.js';
import { classifyCase } from './case.classification.js';
import { Case } from './case.entity.js';
import { CaseLine, CaseStatus } from './case.enums.js';
import { recordCaseEvent } from './case.events.js';
import type { AssignCaseInput, ChangeCaseStatusInput, EscalateCaseInput, OpenCaseInput, UpdateCaseInput } from './case.inputs.js';
import { assertTransition } from './case.status.js';
import { liveCustomerId } from '@crm/kit/customer-aliases.js';
import { findById } from '@crm/kit/rows.js';

/** With a viewer, only a case of their lines of support or assigned to them (others are NOT_FOUND). */
export async function getCase(em: EntityManager, id: string, viewer?: Viewer): Promise<Case> {
  const found = await findById(em, Case, parseId(id, 'Case'));
  if (!found) throw notFound('Case', id);
  return assertWorksCase(found, viewer, 'Case', id);
}

async function getCaseAt(em: EntityManager, id: string, version: number, viewer: Viewer): Promise<Case> {
  const found = await getCase(em, id, viewer);
  assertVersion(found, version, 'Case');
  return found;
}

/** Opens a case at `now`; its deadlines run by the customer's contract: its tier, in its calendar's business time or in calendar time. */
export async function openCase(em: EntityManager, input: OpenCaseInput, now = new Date()): Promise<Case> {
  const customerId = await liveCustomerId(em, parseId(input.customerId, 'Customer', 'customerId'));
  const subject = input.subject.trim();
  const autoClassified = input.category == null || input.priority == null;
  const classified = classifyCase(`${subject}\n${input.description ?? ''}`);
  const priority = input.priority ?? classified.priority;
  const { tier: contractTier, calendar } = await contractTermsOf(em, customerId);
  const openedAt = now;
  const created = em.create(Case, {
    customerId,
    assigneeId: input.assigneeId ? parseId(input.assigneeId, 'User', 'assigneeId') : null,
    subject,
    description: input.description ?? null,
    channel: input.channel,
    currentChannel: input.channel,
    priority,
    category: input.category ?? classified.category,
    line: input.line ?? (autoClassified ? classified.line : CaseLine.FIRST),
    autoClassified,
    contractTier,
    calendarId: calendar?.id ?? null,
    createdAt: openedAt,
    ...slaSchedule(contractTier, priority, openedAt, calendar && businessCalendarOf(calendar), service().SLA_AT_RISK_FRACTION),
  });
  recordCaseEvent(em, created, 'CaseOpened', {
    classificationRule: autoClassified ? classified.rule : null,
    firstResponseDueAt: created.firstResponseDueAt.toISOString(),
    resolutionDueAt: created.resolutionDueAt.toISOString(),
  });
  if (created.assigneeId) created.assignmentReason = 'assigned as it was opened';
  else await assignNewCase(em, created);
  await em.flush();
  return created;
}

export async function updateCase(em: EntityManager, id: string, version: number, input: UpdateCaseInput, viewer: Viewer): Promise<Case> {
  const found = await getCaseAt(em, id, version, viewer);
  const changes: Partial<Pick<Case, 'subject' | 'description' | 'category' | 'priority'>> = {};
  if (input.subject != null && input.subject.trim() !== found.subject) changes.subject = input.subject.trim();
  if (input.description !== undefined && input.description !== found.description) changes.description = input.description;
  if (input.category != null && input.category !== found.category) changes.category = input.category;
  if (input.priority != null && input.priority !== found.priority) changes.priority = input.priority;
  const changedFields = Object.keys(changes);
  if (changedFields.length === 0) return found;
  Object.assign(found, changes);
  if (changes.priority) {
    // New deadlines are new promises: each may be flagged at risk again.
    const calendar = found.calendarId ? await em.findOne(WorkingCalendar, { id: found.calendarId }) : null;
    const business = calendar && businessCalendarOf(calendar);
    Object.assign(found, slaSchedule(found.contractTier, found.priority, found.createdAt, business, service().SLA_AT_RISK_FRACTION), {
      firstResponseAtRiskNotifiedAt: null,
      resolutionAtRiskNotifiedAt: null,
    });
  }
  recordCaseEvent(em, found, 'CaseChanged', {
    changedFields,
    firstResponseDueAt: found.firstResponseDueAt.toISOString(),
    resolutionDueAt: found.resolutionDueAt.toISOString(),
  });
  await em.flush();
  return found;
}

export async function changeCaseStatus(em: EntityManager, id: string, version: number, input: ChangeCaseStatusInput, viewer: Viewer): Promise<Case> {
  const found = await getCaseAt(em, id, version, viewer);
  const from = found.status;
  assertTransition(from, input.status);
  found.status = input.status;
  if (input.status === CaseStatus.RESOLVED) found.resolvedAt = new Date();
  if (input.status === CaseStatus.OPEN && from === CaseStatus.RESOLVED) found.resolvedAt = null;
  recordCaseEvent(em, found, 'CaseStatusChanged', { from, to: found.status, resolvedAt: found.resolvedAt?.toISOString() ?? null });
  await em.flush();
  return found;
}

export async function assignCase(em: EntityManager, id: string, version: number, input: AssignCaseInput, viewer: Viewer): Promise<Case> {
  const found = await getCaseAt(em, id, version, viewer);
  const assigneeId = parseId(input.assigneeId, 'User', 'assigneeId');
  const previousAssigneeId = found.assigneeId ?? null;
  found.assigneeId = assigneeId;
  found.assignmentReason = 'assigned by hand';
  recordCaseEvent(em, found, 'CaseAssigned', { previousAssigneeId, reason: found.assignmentReason });
  await em.flush();
  return found;
}

export async function escalateCase(em: EntityManager, id: string, version: number, input: EscalateCaseInput | null, viewer: Viewer): Promise<Case> {
  const found = await getCaseAt(em, id, version, viewer);
  if (found.line === CaseLine.SECOND) throw conflict(`Case ${found.id} is already on the second line`, 'id');
  if (found.status === CaseStatus.CLOSED) throw conflict(`Case ${found.id} is closed; reopening a closed case is not possible`, 'id');
  found.line = CaseLine.SECOND;
  if (input?.assigneeId) {
    found.assigneeId = parseId(input.assigneeId, 'User', 'assigneeId');
    found.assignmentReason = 'assigned on escalation';
  }
  recordCaseEvent(em, found, 'CaseEscalated', { reason: input?.reason ?? null });
  await em.flush();
  return found;
}
