import type { EntityManager } from '@mikro-orm/postgresql';
import { defineHandler } from '@crm/kit/consumer.js';
import { Activity, SalesActivityType } from '../activity/activity.entity.js';
import { createActivity } from '../activity/activity.service.js';
import { Stage, StageMarker } from '../pipeline/pipeline.entity.js';
import { Opportunity, OpportunityStatus } from './opportunity.entity.js';
import { defaultFirstOfferCall } from './opportunity.follow-up.js';
import { StageChange } from './stage-change.entity.js';

const REMINDER_BEFORE_MS = 30 * 60_000;

/** A planned call or task of the opportunity that is not done yet: the owner already knows when to follow up. */
const hasOpenFollowUp = async (em: EntityManager, opportunityId: string) =>
  (await em.count(Activity, { opportunityId, type: { $in: [SalesActivityType.CALL, SalesActivityType.TASK] }, dueAt: { $ne: null }, completedAt: null })) > 0;

/** The call after the first offer: on the agreed date, else three days after the offer went out. */
async function planFirstOfferCall(em: EntityManager, opportunity: Opportunity, agreed: Date | null, offerSentAt: Date): Promise<void> {
  const dueAt = agreed ?? defaultFirstOfferCall(offerSentAt);
  await createActivity(em, {
    type: SalesActivityType.CALL,
    subject: 'Call the customer about the first offer',
    opportunityId: opportunity.id,
    ownerId: opportunity.ownerId ?? null,
    dueAt,
    reminderAt: new Date(dueAt.getTime() - REMINDER_BEFORE_MS),
  });
}

/** DOMAIN Story 1 step 7: the first offer went out, so the owner gets a reminder to phone on the agreed date. */
export const firstOfferFollowUp = defineHandler({
  name: 'sales.first-offer-follow-up',
  on: ['OpportunityStageChanged'],
  when: (event) => event.payload.marker === StageMarker.FIRST_OFFER_SENT,
  async handle(em, event, log) {
    const opportunity = await em.findOne(Opportunity, { id: event.aggregateId });
    if (!opportunity) {
      log.warn({ eventId: event.id, opportunityId: event.aggregateId }, 'first offer sent for an unknown opportunity; no call planned');
      return;
    }
    // Won or lost before this event was handled: closing the deal closed its follow-ups, so none is planned now.
    if (opportunity.status !== OpportunityStatus.OPEN) return;
    if (await hasOpenFollowUp(em, opportunity.id)) return;
    const agreed = event.payload.followUpAt ? new Date(event.payload.followUpAt) : null;
    await planFirstOfferCall(em, opportunity, agreed, new Date(event.occurredAt));
  },
  afterExpiry: {
    // The trigger is sales' own state: every open opportunity standing in a first-offer stage without a planned
    // follow-up gets its call, as the missed events would have planned it.
    async rebuild(em, _graph, log) {
      const stages = await em.find(Stage, { marker: StageMarker.FIRST_OFFER_SENT });
      const standing = await em.find(Opportunity, { stageId: { $in: stages.map((s) => s.id) }, status: OpportunityStatus.OPEN, archivedAt: null });
      const ids = standing.map((o) => o.id);
      const stageOf = new Map(standing.map((o) => [o.id, o.stageId]));
      const followedUp = new Set(
        (
          await em.find(Activity, {
            opportunityId: { $in: ids },
            type: { $in: [SalesActivityType.CALL, SalesActivityType.TASK] },
            dueAt: { $ne: null },
            completedAt: null,
          })
        ).map((a) => a.opportunityId),
      );
      const entered = new Map<string, Date>();
      for (const change of await em.find(StageChange, { opportunityId: { $in: ids } }, { orderBy: { createdAt: 'asc' } })) {
        if (stageOf.get(change.opportunityId) === change.toStageId) entered.set(change.opportunityId, change.createdAt);
      }
      const unplanned = standing.filter((o) => !followedUp.has(o.id));
      for (const opportunity of unplanned) {
        await planFirstOfferCall(em, opportunity, opportunity.nextContactAt ?? null, entered.get(opportunity.id) ?? opportunity.updatedAt);
      }
      log.info({ opportunities: standing.length, planned: unplanned.length }, 'first-offer calls rebuilt from the pipeline');
    },
  },
});
