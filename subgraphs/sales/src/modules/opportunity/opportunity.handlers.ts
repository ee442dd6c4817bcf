import type { EntityManager } from '@mikro-orm/postgresql';
import type { EventHandler } from '../../../../kit/consumer.js';
import { Activity, SalesActivityType } from '../activity/activity.entity.js';
import { createActivity } from '../activity/activity.service.js';
import { StageMarker } from '../pipeline/pipeline.entity.js';
import { Opportunity } from './opportunity.entity.js';
import { defaultFirstOfferCall } from './opportunity.follow-up.js';

const REMINDER_BEFORE_MS = 30 * 60_000;

/** A planned call or task of the opportunity that is not done yet: the owner already knows when to follow up. */
const hasOpenFollowUp = async (em: EntityManager, opportunityId: string) =>
  (await em.count(Activity, { opportunityId, type: { $in: [SalesActivityType.CALL, SalesActivityType.TASK] }, dueAt: { $ne: null }, completedAt: null })) > 0;

/** DOMAIN Story 1 step 7: the first offer went out, so the owner gets a reminder to phone on the agreed date. */
export const firstOfferFollowUp: EventHandler = {
  name: 'sales.first-offer-follow-up',
  handles: (event) => event.stream === 'sales' && event.type === 'OpportunityStageChanged' && event.payload.marker === StageMarker.FIRST_OFFER_SENT,
  async handle(em, event, log) {
    const opportunity = await em.findOne(Opportunity, { id: event.aggregateId });
    if (!opportunity) {
      log.warn({ eventId: event.id, opportunityId: event.aggregateId }, 'first offer sent for an unknown opportunity; no call planned');
      return;
    }
    if (await hasOpenFollowUp(em, opportunity.id)) return;
    const agreed = typeof event.payload.followUpAt === 'string' ? new Date(event.payload.followUpAt) : null;
    const dueAt = agreed ?? defaultFirstOfferCall(new Date(event.occurredAt));
    await createActivity(em, {
      type: SalesActivityType.CALL,
      subject: 'Call the customer about the first offer',
      opportunityId: opportunity.id,
      ownerId: opportunity.ownerId ?? null,
      dueAt,
      reminderAt: new Date(dueAt.getTime() - REMINDER_BEFORE_MS),
    });
  },
};
