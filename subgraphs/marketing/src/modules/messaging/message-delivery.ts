import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Clock } from '@crm/kit/clock.js';
import { platform } from '@crm/kit/config.js';
import type { GraphClient } from '@crm/kit/graph-client.js';
import { enqueueJob } from '@crm/kit/jobs.js';
import { quietHoursEnd } from '@crm/kit/local-time.js';
import type { Logger } from '@crm/kit/logger.js';
import { marketingSettings } from '../../settings.js';
import { Campaign, CampaignStatus } from '../campaign/campaign.entity.js';
import { InteractionChannel, InteractionType } from '../interaction/interaction.entity.js';
import { recordInteraction } from '../interaction/interaction.service.js';
import { contactFor, hasConsent } from '../projection/projection.service.js';
import { SequenceEnrolment, SequenceEnrolmentStatus } from '../sequence/sequence.entity.js';
import { type MessageSend, MessageSendStatus as S, SuppressionReason } from './message-send.entity.js';
import { DELIVER_MESSAGE, lockPending, recordMessageEvent, settle } from './message-send.service.js';
import { templateData } from './message-data.js';
import { OutboundError, type OutboundChannel } from './outbound.channel.js';
import { awaitChannelSlot } from './throttle.js';
import { renderBuiltIn, renderText, type RenderedText } from './templates/render.js';
import { TEMPLATES } from './templates/catalog.js';
import { trackLinks, unsubscribeUrl } from './unsubscribe.js';

export interface DeliveryContext {
  orm: MikroORM;
  graph: GraphClient;
  log: Logger;
  clock: Clock;
  /** The adapter of each channel: EMAIL (SMTP or recording), SMS, PUSH. */
  channels: Record<string, OutboundChannel | undefined>;
}

export interface Attempt {
  number: number;
  max: number;
}

const INTERACTION_CHANNEL: Record<string, InteractionChannel> = { EMAIL: InteractionChannel.EMAIL, SMS: InteractionChannel.SMS, PUSH: InteractionChannel.PUSH };

/**
 * Hands one queued message to its channel (the deliver-message job):
 * 1. in one transaction, with the message locked: decide (consent, the enrolment or campaign still on, an address,
 *    quiet hours, the frequency cap), render, and record the intent as SENDING;
 * 2. send, with the message's id as the provider's idempotency key (a retry after a crash reuses it);
 * 3. record SENT with the provider's id, its event and the timeline's MESSAGE_SENT.
 * A transient failure throws: the job is retried with exponential backoff until its last attempt, which is FAILED.
 */
export async function deliverMessage(context: DeliveryContext, messageSendId: string, attempt: Attempt): Promise<void> {
  try {
    const ready = await context.orm.em.fork().transactional((em) => prepare(em, context, messageSendId));
    if (!ready) return;
    const adapter = context.channels[ready.channel];
    if (!adapter) throw new OutboundError(`No provider is configured for ${ready.channel}`, true, 'FAILED');
    const unsubscribe = ready.purpose === 'MARKETING' ? await unsubscribeUrl(ready.id) : null;
    await awaitChannelSlot(ready.channel);
    const { providerMessageId } = await adapter.send({
      idempotencyKey: ready.id,
      to: ready.recipient!,
      subject: ready.subject,
      text: ready.body,
      calendar: ready.calendar ?? undefined,
      // The offer's PDF is read from sales as it leaves, not kept a second time in marketing.
      attachments:
        (ready.template === QUOTE_SENT && typeof ready.data?.quoteId === 'string' ? await quotePdf(context.graph, ready.data.quoteId) : ready.attachments) ??
        undefined,
      headers: unsubscribe ? { 'List-Unsubscribe': `<${unsubscribe}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } : undefined,
    });
    await context.orm.em.fork().transactional((em) => markSent(em, messageSendId, providerMessageId));
  } catch (error) {
    const permanent = error instanceof OutboundError && error.permanent;
    const message = error instanceof Error ? error.message : String(error);
    if (!permanent && attempt.number < attempt.max) {
      context.log.warn({ messageSendId, attempt: attempt.number, error: message.slice(0, 200) }, 'message not handed over; retrying with backoff');
      throw error;
    }
    await context.orm.em.fork().transactional(async (em) => {
      const send = await lockPending(em, messageSendId);
      if (send) settle(em, send, error instanceof OutboundError && error.outcome === 'BOUNCED' ? S.BOUNCED : S.FAILED, { error: message });
    });
    context.log.warn({ messageSendId, permanent, error: message.slice(0, 200) }, 'message not sent');
  }
}

async function prepare(em: EntityManager, context: DeliveryContext, id: string): Promise<MessageSend | null> {
  const send = await lockPending(em, id);
  if (!send) return null;
  // One customer's messages are decided one at a time, so two at once cannot both slip under the frequency cap.
  await em.execute('select pg_advisory_xact_lock(hashtext(?))', [`message-send:${send.customerId}`]);
  const now = context.clock.now();
  const suppress = (reason: SuppressionReason) => {
    settle(em, send, S.SUPPRESSED, { reason });
    return null;
  };
  if (!(await hasConsent(em, send.customerId, send.purpose, send.channel))) return suppress(SuppressionReason.NO_CONSENT);
  if (!(await stillWanted(em, send))) return suppress(SuppressionReason.CANCELLED);
  send.recipient ??= await contactFor(em, send.customerId, send.channel);
  if (!send.recipient) return suppress(SuppressionReason.NO_ADDRESS);
  if (send.purpose === 'MARKETING') {
    const settings = marketingSettings.read();
    const quietUntil = quietHoursEnd(now, settings.QUIET_HOURS, platform().DEALER_TIME_ZONE);
    if (quietUntil) {
      send.notBefore = quietUntil;
      await enqueueJob(em, DELIVER_MESSAGE, { messageSendId: send.id }, { runAt: quietUntil, maxAttempts: settings.MESSAGE_MAX_ATTEMPTS });
      return null;
    }
    if (await overFrequencyCap(em, send, now)) return suppress(SuppressionReason.FREQUENCY_CAP);
  }
  const rendered = await render(em, context, send);
  if (!rendered) return suppress(SuppressionReason.CANCELLED);
  send.subject = rendered.subject;
  // Marketing's clicks are counted for its campaigns; a service message's links stay as they are.
  send.body = send.purpose === 'MARKETING' ? await trackLinks(rendered.text, send.id) : rendered.text;
  send.status = S.SENDING;
  send.attempts += 1;
  send.sentAt = now;
  return send;
}

/**
 * A step of an enrolment that was exited (the deal was won, consent withdrawn, a reply) no longer goes, nor does a
 * cancelled campaign's message. (A COMPLETED enrolment's last step still goes: completing is queueing the last one.)
 */
async function stillWanted(em: EntityManager, send: MessageSend): Promise<boolean> {
  if (send.enrolmentId) {
    const enrolment = await em.findOne(SequenceEnrolment, { id: send.enrolmentId });
    if (!enrolment || enrolment.status === SequenceEnrolmentStatus.EXITED) return false;
  }
  if (send.campaignId) {
    const campaign = await em.findOne(Campaign, { id: send.campaignId });
    if (!campaign || campaign.status === CampaignStatus.CANCELLED) return false;
  }
  return true;
}

async function overFrequencyCap(em: EntityManager, send: MessageSend, now: Date): Promise<boolean> {
  const settings = marketingSettings.read();
  const since = new Date(now.getTime() - settings.MARKETING_FREQUENCY_DAYS * 86_400_000);
  const [row] = await em.execute<Array<{ sent: string }>>(
    `select count(*) as sent from message_send where customer_id = ? and purpose = 'MARKETING' and sent_at > ? and id <> ?
       and status in ('SENDING', 'SENT', 'DELIVERED')`,
    [send.customerId, since, send.id],
  );
  return Number(row?.sent ?? 0) >= settings.MARKETING_FREQUENCY_CAP;
}

async function render(em: EntityManager, context: DeliveryContext, send: MessageSend): Promise<RenderedText | null> {
  const extra = { ...(send.data ?? {}), unsubscribeUrl: send.purpose === 'MARKETING' ? await unsubscribeUrl(send.id) : null };
  const { language, data } = await templateData(em, context.graph, send.customerId, extra, context.log);
  send.language = language;
  if (!send.campaignId) {
    if (!TEMPLATES[send.template]) throw new OutboundError(`There is no message template "${send.template}"`, true, 'FAILED');
    return renderBuiltIn(send.template, language, data);
  }
  const campaign = await em.findOne(Campaign, { id: send.campaignId });
  const content = campaign?.content?.find((text) => text.language === language) ?? campaign?.content?.[0];
  if (!content) return null;
  send.language = content.language;
  return renderText({ subject: content.subject, text: content.text }, data);
}

/** The offer's e-mail (journey.service.ts), the one message that carries a document. */
const QUOTE_SENT = 'quote-sent';

/** The offer's PDF from sales (whose document it is), attached to its e-mail; a failure to read it is retried. */
async function quotePdf(graph: GraphClient, quoteId: string): Promise<MessageSend['attachments']> {
  const { quoteDocumentFile: file } = await graph.query<{ quoteDocumentFile: { filename: string; contentBase64: string } | null }>(
    'sales',
    'query QuotePdf($quoteId: ID!) { quoteDocumentFile(quoteId: $quoteId) { filename contentBase64 } }',
    { quoteId },
  );
  return file ? [{ filename: file.filename, contentType: 'application/pdf', content: file.contentBase64, encoding: 'base64' }] : null;
}

async function markSent(em: EntityManager, id: string, providerMessageId: string): Promise<void> {
  const send = await lockPending(em, id);
  if (!send) return;
  send.status = S.SENT;
  send.providerMessageId = providerMessageId;
  recordMessageEvent(em, 'MessageSent', send);
  await em.flush();
  await recordInteraction(em, {
    customerId: send.customerId,
    channel: INTERACTION_CHANNEL[send.channel] ?? InteractionChannel.EMAIL,
    type: InteractionType.MESSAGE_SENT,
    occurredAt: send.sentAt ?? new Date(),
    sourceSystem: 'marketing',
    externalEventId: send.id,
    campaignId: send.campaignId ?? null,
    properties: { template: send.template, subject: send.subject, purpose: send.purpose, messageSendId: send.id },
  });
}
