import type { EntityManager } from '@mikro-orm/postgresql';
import { recordEvent } from '@crm/kit/events.js';
import type { Logger } from '@crm/kit/logger.js';
import { InteractionChannel, InteractionType } from '../interaction/interaction.entity.js';
import { recordInteraction } from '../interaction/interaction.service.js';
import { hasConsent } from '../projection/projection.service.js';
import { MessageSend, MessageSendStatus } from './message-send.entity.js';
import type { OutboundChannel, OutboundMessage } from './outbound.channel.js';

export interface SendRequest {
  customerId: string;
  /** identity's consent purpose the message serves: SERVICE_COMMUNICATION, MARKETING… */
  purpose: string;
  template: string;
  message: OutboundMessage;
}

/**
 * The one way a message reaches a customer: no consent for the purpose on e-mail (or on ANY channel)
 * in marketing's consent projection, no send. Every attempt is a MessageSend row; a sent message is
 * also a MESSAGE_SENT interaction. A provider failure is recorded as FAILED, not retried.
 * The caller's transaction commits after the provider accepted the message, so a crash in between
 * may send it twice (at least once), never lose the record of a send that committed.
 */
export async function sendMessage(em: EntityManager, outbound: OutboundChannel, request: SendRequest, log: Logger): Promise<MessageSend> {
  const channel = 'EMAIL';
  const base = {
    customerId: request.customerId,
    channel,
    purpose: request.purpose,
    template: request.template,
    subject: request.message.subject,
    recipient: request.message.to,
  };
  let send: MessageSend;
  if (!(await hasConsent(em, request.customerId, request.purpose, channel))) {
    send = em.create(MessageSend, { ...base, status: MessageSendStatus.SUPPRESSED_NO_CONSENT });
  } else {
    try {
      const { providerMessageId } = await outbound.send(request.message);
      send = em.create(MessageSend, { ...base, status: MessageSendStatus.SENT, providerMessageId });
    } catch (error) {
      log.warn({ err: error, customerId: request.customerId, template: request.template }, 'outbound message failed');
      send = em.create(MessageSend, { ...base, status: MessageSendStatus.FAILED, error: error instanceof Error ? error.message.slice(0, 500) : String(error) });
    }
  }
  recordEvent(em, {
    type: send.status === MessageSendStatus.SENT ? 'MessageSent' : send.status === MessageSendStatus.FAILED ? 'MessageFailed' : 'MessageSuppressed',
    aggregateId: send.id,
    payload: { messageSendId: send.id, customerId: send.customerId, channel, purpose: send.purpose, template: send.template, status: send.status },
  });
  await em.flush();
  if (send.status === MessageSendStatus.SENT) {
    await recordInteraction(em, {
      customerId: send.customerId,
      channel: InteractionChannel.EMAIL,
      type: InteractionType.MESSAGE_SENT,
      occurredAt: send.createdAt,
      sourceSystem: 'marketing',
      externalEventId: send.id,
      properties: { template: send.template, subject: send.subject, purpose: send.purpose, messageSendId: send.id },
    });
  }
  return send;
}
