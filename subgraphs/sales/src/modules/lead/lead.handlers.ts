import { defineHandler } from '@crm/kit/consumer.js';
import { SalesActivityType } from '../activity/activity.entity.js';
import { createActivity } from '../activity/activity.service.js';
import { routeLead } from '../routing/routing.service.js';
import { Lead } from './lead.entity.js';
import { assignLeadTo, leaveLeadUnassigned, linkLeadToCustomer, rescoreLead } from './lead.service.js';

const HOUR = 3600_000;

/** The rep prepares the day before the requested appointment; without one (or too late for that) within 4 hours. */
export function followUpDue(requestedAppointment: Date | null | undefined, now: Date): Date {
  const dayBefore = requestedAppointment ? new Date(requestedAppointment.getTime() - 24 * HOUR) : null;
  return dayBefore && dayBefore > now ? dayBefore : new Date(now.getTime() + 4 * HOUR);
}

/** DOMAIN Story 1 steps 2–4: identity knows who sent the form, so the lead is linked, scored, routed and followed up. */
export const webFormLeadRouting = defineHandler({
  name: 'sales.web-form-lead-routing',
  on: ['CustomerResolved'],
  when: (event) => event.payload.leadId !== null,
  async handle(em, event, log) {
    const { leadId, customerId } = event.payload;
    const lead = leadId ? await em.findOne(Lead, { id: leadId }) : null;
    if (!lead) {
      log.warn({ eventId: event.id, leadId, customerId }, 'customer resolved for an unknown lead; nothing to route');
      return;
    }
    await linkLeadToCustomer(em, lead, customerId);
    await rescoreLead(em, lead);
    if (lead.ownerId) return; // someone took it by hand already
    const routing = await routeLead(em, lead);
    if (routing.ownerId) await assignLeadTo(em, lead, routing.ownerId, routing.reason);
    else {
      log.warn({ leadId: lead.id, reason: routing.reason }, 'web-form lead left unassigned: set SALES_LEAD_QUEUE_OWNER_ID to have a manager told');
      await leaveLeadUnassigned(em, lead, routing.reason);
    }
    const dueAt = followUpDue(lead.requestedAppointment, new Date(event.occurredAt));
    if (routing.ownerId && 'queued' in routing) {
      await createActivity(em, {
        type: SalesActivityType.TASK,
        subject: 'Lead needs an owner',
        notes: `No routing rule places this lead (${routing.reason}). Assign it to a rep; the follow-up task is due ${dueAt.toISOString()}.`,
        leadId: lead.id,
        customerId,
        ownerId: routing.ownerId,
        dueAt: new Date(Math.min(dueAt.getTime(), new Date(event.occurredAt).getTime() + HOUR)),
      });
    }
    await createActivity(em, {
      type: SalesActivityType.TASK,
      subject: 'Follow up web-form request',
      leadId: lead.id,
      customerId,
      ownerId: routing.ownerId,
      dueAt,
      reminderAt: new Date(dueAt.getTime() - HOUR),
    });
  },
  afterExpiry: {
    skip: {
      lost: 'leads whose customers identity resolved in the missed events were not linked, routed or given a follow-up task: they stay NEW without an owner (leads(filter: { statuses: [NEW] }))',
    },
  },
});
