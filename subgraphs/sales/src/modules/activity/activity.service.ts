import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput, notFound, conflict } from '@crm/kit/errors.js';
import { assertOwnsRow, ownerFor } from '@crm/kit/access/row-scope.js';
import type { Viewer } from '@crm/kit/access/viewer.js';
import type { EventsAbout } from '@crm/kit/event-catalog.js';
import { recordEvent, type DomainEvent } from '@crm/kit/events.js';
import { parseId } from '@crm/kit/ids.js';
import { assertVersion } from '@crm/kit/versioning.js';
import { getLead } from '../lead/lead.service.js';
import { getOpportunity } from '../opportunity/opportunity.service.js';
import { Activity, SalesActivityType } from './activity.entity.js';
import type { CreateActivityInput } from './activity.inputs.js';
import { liveCustomerId } from '@crm/kit/customer-aliases.js';
import { findById } from '@crm/kit/rows.js';

/** With a viewer, only an activity they may see (another team's is NOT_FOUND). */
export async function getActivity(em: EntityManager, id: string, viewer?: Viewer): Promise<Activity> {
  const activity = await findById(em, Activity, parseId(id, 'Activity'));
  if (!activity) throw notFound('Activity', id);
  return assertOwnsRow(activity, viewer, 'Activity', id);
}

/** With a viewer (a person or key asking), the lead or opportunity must be theirs to see, and the owner theirs to give. */
export async function createActivity(em: EntityManager, input: CreateActivityInput, viewer?: Viewer): Promise<Activity> {
  if (!input.customerId && !input.leadId && !input.opportunityId) {
    throw badInput('An activity is about a customer, a lead or an opportunity: give at least one of them', 'customerId');
  }
  if (input.type === SalesActivityType.TASK && !input.dueAt) throw badInput('A task needs a due date (dueAt)', 'dueAt');
  if (input.reminderAt && input.dueAt && input.reminderAt > input.dueAt) throw badInput('The reminder must come before the due date', 'reminderAt');
  const lead = input.leadId ? await getLead(em, input.leadId, viewer) : null;
  const opportunity = input.opportunityId ? await getOpportunity(em, input.opportunityId, 'opportunityId', viewer) : null;
  const named = input.customerId ? parseId(input.customerId, 'Customer', 'customerId') : (opportunity?.customerId ?? lead?.customerId ?? null);
  const customerId = named ? await liveCustomerId(em, named) : null;
  const activity = em.create(Activity, {
    type: input.type,
    subject: input.subject.trim(),
    notes: input.notes ?? null,
    customerId,
    leadId: lead?.id ?? null,
    opportunityId: opportunity?.id ?? null,
    ownerId: viewer ? ownerFor(viewer, input.ownerId) : input.ownerId ? parseId(input.ownerId, 'User', 'ownerId') : null,
    occurredAt: input.occurredAt ?? null,
    dueAt: input.dueAt ?? null,
    reminderAt: input.reminderAt ?? null,
  });
  recordEvent(em, activityEvent(activity, 'ActivityCreated'));
  await em.flush();
  return activity;
}

/** Every activity event carries the same snapshot, so a timeline can show it without reading back. */
export function activityEvent(activity: Activity, type: EventsAbout<'Activity'>): DomainEvent<EventsAbout<'Activity'>> {
  return {
    type,
    aggregateId: activity.id,
    payload: {
      activityId: activity.id,
      kind: activity.type,
      type: activity.type,
      customerId: activity.customerId ?? null,
      leadId: activity.leadId ?? null,
      opportunityId: activity.opportunityId ?? null,
      ownerId: activity.ownerId ?? null,
      subject: activity.subject,
      dueAt: activity.dueAt?.toISOString() ?? null,
      reminderAt: activity.reminderAt?.toISOString() ?? null,
      occurredAt: activity.occurredAt?.toISOString() ?? null,
      completedAt: activity.completedAt?.toISOString() ?? null,
    },
  };
}

export async function completeActivity(em: EntityManager, id: string, version: number, viewer: Viewer): Promise<Activity> {
  const activity = await getActivity(em, id, viewer);
  assertVersion(activity, version, 'Activity');
  if (activity.completedAt) throw conflict(`Activity ${activity.id} is already done`, 'id');
  activity.completedAt = new Date();
  recordEvent(em, activityEvent(activity, 'ActivityCompleted'));
  await em.flush();
  return activity;
}
