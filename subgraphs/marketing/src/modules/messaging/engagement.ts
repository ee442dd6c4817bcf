import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { GraphClient } from '@crm/kit/graph-client.js';
import { InteractionChannel, InteractionType } from '../interaction/interaction.entity.js';
import { recordInteraction } from '../interaction/interaction.service.js';
import { SequenceEnrolment, SequenceEnrolmentStatus } from '../sequence/sequence.entity.js';
import { endEnrolments } from '../sequence/sequence.service.js';
import { MessageSend, MessageSendStatus as S } from './message-send.entity.js';
import { recordMessageEvent } from './message-send.service.js';

/** What a provider reports about a message it accepted (its webhook), or what a tracked link saw. */
export const ENGAGEMENTS = ['DELIVERED', 'BOUNCED', 'OPENED', 'CLICKED', 'COMPLAINED', 'REPLIED'] as const;
export type Engagement = (typeof ENGAGEMENTS)[number];

export interface EngagementReport {
  /** The provider's id of the message (MessageSend.providerMessageId), as its webhook names it… */
  providerMessageId?: string;
  /** …or the message's own id, as a tracked link names it. */
  messageSendId?: string;
  type: Engagement;
  at: Date;
  /** CLICKED: the link. BOUNCED: the reason. */
  detail?: string | null;
}

const TIMELINE: Partial<Record<Engagement, InteractionType>> = {
  DELIVERED: InteractionType.MESSAGE_DELIVERED,
  OPENED: InteractionType.MESSAGE_OPENED,
  CLICKED: InteractionType.MESSAGE_CLICKED,
};

/**
 * Applies one report to its message, idempotently (a provider retries its webhooks): DELIVERED and BOUNCED are its
 * outcome; OPENED and CLICKED keep their first time; each of these lands on the timeline with the campaign's id, so
 * campaign metrics count it. COMPLAINED withdraws marketing consent like the unsubscribe link; REPLIED ends the
 * sequence the message belongs to. Answers false for a message marketing does not know.
 */
export async function applyEngagement(orm: MikroORM, graph: GraphClient, report: EngagementReport): Promise<boolean> {
  const send = await orm.em.fork().transactional(async (em) => {
    const found = report.messageSendId
      ? await em.findOne(MessageSend, { id: report.messageSendId })
      : await em.findOne(MessageSend, { providerMessageId: report.providerMessageId ?? '' });
    if (!found) return null;
    await changeMessage(em, found, report);
    return found;
  });
  if (!send) return false;
  if (report.type === 'COMPLAINED') await withdrawMarketing(graph, send, 'spam-complaint');
  return true;
}

async function changeMessage(em: EntityManager, send: MessageSend, report: EngagementReport): Promise<void> {
  switch (report.type) {
    case 'DELIVERED':
      if (send.status === S.SENT) {
        send.status = S.DELIVERED;
        send.deliveredAt = report.at;
      }
      break;
    case 'BOUNCED':
      if (send.status === S.SENT || send.status === S.DELIVERED) {
        send.status = S.BOUNCED;
        send.error = report.detail?.slice(0, 500) ?? 'bounced';
        recordMessageEvent(em, 'MessageFailed', send);
      }
      break;
    case 'OPENED':
      send.openedAt ??= report.at;
      break;
    case 'CLICKED':
      send.openedAt ??= report.at;
      send.clickedAt ??= report.at;
      break;
    case 'REPLIED':
      if (send.enrolmentId) {
        const enrolment = await em.findOne(SequenceEnrolment, { id: send.enrolmentId, status: SequenceEnrolmentStatus.ACTIVE });
        if (enrolment) await endEnrolments(em, [enrolment], 'customer replied');
      }
      break;
    case 'COMPLAINED':
      break;
  }
  await em.flush();
  const type = TIMELINE[report.type];
  if (type) {
    await recordInteraction(em, {
      customerId: send.customerId,
      channel: send.channel === 'SMS' ? InteractionChannel.SMS : send.channel === 'PUSH' ? InteractionChannel.PUSH : InteractionChannel.EMAIL,
      type,
      occurredAt: report.at,
      sourceSystem: 'marketing',
      // One timeline entry per message and kind, however often the provider reports it.
      externalEventId: `${send.id}:${report.type}`,
      campaignId: send.campaignId ?? null,
      properties: { messageSendId: send.id, template: send.template, ...(report.detail ? { url: report.detail } : {}) },
    });
  }
}

/** The customer no longer wants marketing on the message's channel: identity, the consents' owner, records it. */
export async function withdrawMarketing(graph: GraphClient, send: MessageSend, source: string): Promise<void> {
  await graph.query('identity', 'mutation Withdraw($input: RecordConsentInput!) { recordConsent(input: $input) { status } }', {
    input: { customerId: send.customerId, purpose: 'MARKETING', channel: send.channel, status: 'WITHDRAWN', source, textVersion: source },
  });
}
