import type { BusEvent } from '../../../../kit/bus/index.js';
import type { EventHandler } from '../../../../kit/consumer.js';
import { isUuid } from '../../../../kit/ids.js';
import { InteractionChannel as C, InteractionType as T } from './interaction.entity.js';
import { recordInteraction } from './interaction.service.js';

type Touchpoint = { channel: C; type: T; occurredAt?: unknown; properties: Record<string, unknown> };

const ACTIVITY_TOUCHPOINTS: Record<string, { channel: C; type: T }> = {
  CALL: { channel: C.PHONE, type: T.CALL },
  MEETING: { channel: C.IN_STORE, type: T.MEETING },
};
const CHANNELS = new Set<string>(Object.values(C));

const products = (value: unknown) => (Array.isArray(value) ? value.map((p) => (p as { name?: unknown })?.name).filter((n) => typeof n === 'string') : []);

/** The timeline entry another domain's event stands for, or null when it is none. */
export function touchpointOf(event: BusEvent): Touchpoint | null {
  const p = event.payload;
  if (event.stream === 'sales' && event.type === 'ActivityCreated') {
    const kind = ACTIVITY_TOUCHPOINTS[String(p.kind)];
    // A planned call (a reminder with only a due date) has not touched the customer yet.
    if (!kind || !p.occurredAt) return null;
    return {
      ...kind,
      occurredAt: p.occurredAt,
      properties: {
        activityId: p.activityId,
        subject: p.subject ?? null,
        leadId: p.leadId ?? null,
        opportunityId: p.opportunityId ?? null,
        ownerId: p.ownerId ?? null,
      },
    };
  }
  if (event.stream === 'sales' && (event.type === 'QuoteSent' || event.type === 'QuoteViewed')) {
    return {
      ...(event.type === 'QuoteSent' ? { channel: C.EMAIL, type: T.QUOTE_SENT } : { channel: C.WEB, type: T.QUOTE_VIEWED }),
      properties: {
        quoteId: p.quoteId,
        opportunityId: p.opportunityId ?? null,
        ownerId: p.ownerId ?? null,
        total: p.total ?? null,
        products: products(p.products),
      },
    };
  }
  // Internal notes are between staff only: they never reach the customer's timeline.
  if (event.stream === 'service' && event.type === 'CaseMessageAdded' && p.direction !== 'INTERNAL_NOTE' && CHANNELS.has(String(p.channel))) {
    return {
      channel: p.channel as C,
      type: T.CASE_MESSAGE,
      properties: { caseId: p.caseId, messageId: p.messageId ?? null, direction: p.direction ?? null, text: p.body ?? null },
    };
  }
  return null;
}

/** Story 1, step 5: calls, meetings, quotes and case messages of the other domains on the customer's timeline, once each. */
export const timelineHandler: EventHandler = {
  name: 'marketing.timeline',
  handles: (event) => touchpointOf(event) !== null,
  async handle(em, event, log) {
    const touchpoint = touchpointOf(event)!;
    const customerId = event.payload.customerId;
    if (typeof customerId !== 'string' || !isUuid(customerId)) {
      log.warn({ eventId: event.id, type: event.type }, 'timeline event without a customer; ignored');
      return;
    }
    const at = typeof touchpoint.occurredAt === 'string' ? new Date(touchpoint.occurredAt) : new Date(event.occurredAt);
    await recordInteraction(em, {
      customerId,
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
};
