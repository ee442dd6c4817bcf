import { defineHandler } from '@crm/kit/consumer.js';
import { liveCustomerId } from '@crm/kit/customer-aliases.js';
import { sales } from '../../settings.js';
import { customerRepOf } from '../routing/routing.queries.js';
import { Activity, SalesActivityType } from './activity.entity.js';
import { createActivity } from './activity.service.js';

const DAY = 24 * 3600_000;

/** How a task names the sequence step that asked for it: each step asks once, whatever is delivered again. */
export const sequenceStepTag = (enrolmentId: string, step: number) => `sequence step ${enrolmentId}#${step}`;

/**
 * A marketing sequence's CREATE_TASK step (SequenceTaskRequested): the customer's rep (the owner of their most recent
 * open, else most recent, opportunity; else the default queue's manager) gets the task, due the next day, on the
 * enrolment's deal when it has one.
 */
export const sequenceTaskHandler = defineHandler({
  name: 'sales.sequence-task',
  on: ['SequenceTaskRequested'],
  async handle(em, event, log) {
    const { enrolmentId, step, subject } = event.payload;
    const tag = sequenceStepTag(enrolmentId, step);
    const customerId = await liveCustomerId(em, event.payload.customerId);
    if ((await em.count(Activity, { customerId, notes: { $like: `%${tag}%` } })) > 0) return; // asked for already
    const rep = await customerRepOf(em, customerId);
    const ownerId = rep?.ownerId ?? sales().SALES_LEAD_QUEUE_OWNER_ID?.toLowerCase() ?? null;
    if (!ownerId) log.warn({ customerId, enrolmentId }, 'sequence task has no owner: the customer has no rep and SALES_LEAD_QUEUE_OWNER_ID is not set');
    await createActivity(em, {
      type: SalesActivityType.TASK,
      subject,
      notes: `Asked for by a marketing sequence (${tag}).`,
      customerId,
      opportunityId: event.payload.opportunityId ?? (rep?.open ? rep.opportunityId : null),
      ownerId,
      dueAt: new Date(new Date(event.occurredAt).getTime() + DAY),
    });
  },
  afterExpiry: {
    skip: { lost: "sequence steps' tasks of the missed events were not created: see the enrolments' SequenceTaskRequested in marketing" },
  },
});
