import type { EntityManager } from '@mikro-orm/postgresql';
import { LockMode } from '@mikro-orm/core';
import { recordEvent } from '@crm/kit/events.js';
import { enqueueJob, type JobOptions } from '@crm/kit/jobs.js';
import { marketingSettings } from '../../settings.js';
import { MessageSend, MessageSendStatus as S, type SuppressionReason, PENDING } from './message-send.entity.js';

/** The task that hands one queued message to its channel (message-delivery.ts). */
export const DELIVER_MESSAGE = 'deliver-message';

export interface QueueRequest {
  customerId: string;
  /** A TEMPLATES name, or `campaign` for a campaign's own text. */
  template: string;
  /** identity's consent purpose: SERVICE_COMMUNICATION, MARKETING… (the template's own by default) */
  purpose: string;
  /** identity's consent channel: EMAIL (default), SMS or PUSH. */
  channel?: string;
  /** Fields for the template besides the customer's own, e.g. the requested appointment. */
  data?: Record<string, unknown>;
  /** The address, when the event that asks for the message gave it; otherwise the customer's latest, at send time. */
  recipient?: string | null;
  campaignId?: string | null;
  enrolmentId?: string | null;
  step?: number | null;
  calendar?: string | null;
}

/**
 * The one way a message to a customer starts: its intent (QUEUED) and the job that delivers it, written in the
 * caller's transaction. Consent, address, quiet hours and the frequency cap are decided when it leaves.
 */
export async function queueMessage(em: EntityManager, request: QueueRequest, options: Pick<JobOptions, 'runAt'> = {}): Promise<MessageSend> {
  const send = em.create(MessageSend, {
    customerId: request.customerId,
    channel: request.channel ?? 'EMAIL',
    purpose: request.purpose,
    template: request.template,
    subject: '',
    recipient: request.recipient ?? null,
    data: request.data ?? null,
    calendar: request.calendar ?? null,
    campaignId: request.campaignId ?? null,
    enrolmentId: request.enrolmentId ?? null,
    step: request.step ?? null,
    status: S.QUEUED,
  });
  await em.flush();
  await enqueueJob(em, DELIVER_MESSAGE, { messageSendId: send.id }, { runAt: options.runAt, maxAttempts: marketingSettings.read().MESSAGE_MAX_ATTEMPTS });
  return send;
}

/** The message, locked for this transaction, while it can still leave; null once it has an outcome. */
export async function lockPending(em: EntityManager, id: string): Promise<MessageSend | null> {
  const send = await em.findOne(MessageSend, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  return send && (PENDING as readonly S[]).includes(send.status) ? send : null;
}

/** A pending message's outcome other than SENT, with its event. */
export function settle(
  em: EntityManager,
  send: MessageSend,
  status: S.SUPPRESSED | S.FAILED | S.BOUNCED,
  detail: { reason?: SuppressionReason; error?: string },
): void {
  send.status = status;
  send.suppressionReason = detail.reason ?? null;
  send.error = detail.error?.slice(0, 500) ?? null;
  recordMessageEvent(em, status === S.SUPPRESSED ? 'MessageSuppressed' : 'MessageFailed', send);
}

/** A message's event: what it is and where it stands (MessageSent, MessageFailed, MessageSuppressed). */
export function recordMessageEvent(em: EntityManager, type: 'MessageSent' | 'MessageFailed' | 'MessageSuppressed', send: MessageSend): void {
  recordEvent(em, {
    type,
    aggregateId: send.id,
    payload: {
      messageSendId: send.id,
      customerId: send.customerId,
      channel: send.channel,
      purpose: send.purpose,
      template: send.template,
      status: send.status,
    },
  });
}
