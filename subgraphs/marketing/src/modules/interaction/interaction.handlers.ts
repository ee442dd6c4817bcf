import { defineHandler } from '@crm/kit/consumer.js';
import type { CatalogEvent } from '@crm/kit/event-catalog.js';
import { InteractionChannel as C, InteractionType as T } from './interaction.entity.js';
import { recordInteraction } from './interaction.service.js';

type Touchpoint = { customerId: string | null; channel: C; type: T; occurredAt: string | null; properties: Record<string, unknown> };

const ACTIVITY_TOUCHPOINTS: Record<string, { channel: C; type: T }> = {
  CALL: { channel: C.PHONE, type: T.CALL },
  MEETING: { channel: C.IN_STORE, type: T.MEETING },
};
const CHANNELS = new Set<string>(Object.values(C));

const TIMELINE_EVENTS = ['ActivityCreated', 'QuoteSent', 'QuoteViewed', 'CaseMessageAdded'] as const;

/**
 * The timeline entry another domain's event stands for, or null when it is none. It names the record (its ids), never
 * its content: a call's subject, a quote's amounts and cars and a case message's text stay with their owner, read
 * through the graph where that record's permission and row level apply (a rep of another team, a marketer without
 * cases:read). Copied here, they were readable to anyone with interactions:read, and outlived the owner's retention.
 */
export function touchpointOf(event: CatalogEvent<(typeof TIMELINE_EVENTS)[number]>): Touchpoint | null {
  switch (event.type) {
    case 'ActivityCreated': {
      const p = event.payload;
      const kind = ACTIVITY_TOUCHPOINTS[p.kind];
      // A planned call (a reminder with only a due date) has not touched the customer yet.
      if (!kind || !p.occurredAt) return null;
      return {
        ...kind,
        customerId: p.customerId,
        occurredAt: p.occurredAt,
        properties: { activityId: p.activityId, leadId: p.leadId, opportunityId: p.opportunityId, ownerId: p.ownerId },
      };
    }
    case 'QuoteSent':
    case 'QuoteViewed': {
      const p = event.payload;
      return {
        ...(event.type === 'QuoteSent'
          ? { channel: C.EMAIL, type: T.QUOTE_SENT }
          : // Each open and download of the quote's link is its own entry; a download is not a view of the page.
            { channel: C.WEB, type: event.payload.kind === 'DOWNLOADED' ? T.DOWNLOAD : T.QUOTE_VIEWED }),
        customerId: p.customerId,
        occurredAt: null,
        properties: {
          quoteId: p.quoteId,
          opportunityId: p.opportunityId,
          ownerId: p.ownerId,
          ...(event.type === 'QuoteViewed' ? { kind: event.payload.kind ?? 'OPENED' } : {}),
        },
      };
    }
    case 'CaseMessageAdded': {
      const p = event.payload;
      // Internal notes are between staff only: they never reach the customer's timeline.
      if (p.direction === 'INTERNAL_NOTE' || !CHANNELS.has(p.messageChannel)) return null;
      return {
        channel: p.messageChannel as C,
        type: T.CASE_MESSAGE,
        customerId: p.customerId,
        occurredAt: null,
        properties: { caseId: p.caseId, messageId: p.messageId, direction: p.direction },
      };
    }
  }
}

/** Story 1, step 5: calls, meetings, quotes and case messages of the other domains on the customer's timeline, once each. */
export const timelineHandler = defineHandler({
  name: 'marketing.timeline',
  on: TIMELINE_EVENTS,
  when: (event) => touchpointOf(event) !== null,
  async handle(em, event, log) {
    const touchpoint = touchpointOf(event)!;
    if (!touchpoint.customerId) {
      log.warn({ eventId: event.id, type: event.type }, 'timeline event without a customer; ignored');
      return;
    }
    const at = new Date(touchpoint.occurredAt ?? event.occurredAt);
    await recordInteraction(em, {
      customerId: touchpoint.customerId.toLowerCase(),
      channel: touchpoint.channel,
      type: touchpoint.type,
      occurredAt: Number.isNaN(at.getTime()) ? new Date(event.occurredAt) : at,
      sourceSystem: event.stream,
      externalEventId: event.id,
      properties: touchpoint.properties,
    });
  },
  afterExpiry: {
    skip: {
      lost: "calls, meetings, quotes and case messages of the missed events are not on the customers' timelines (the records themselves are in sales and service)",
    },
  },
});
