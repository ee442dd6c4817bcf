import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { Clock } from '@crm/kit/clock.js';
import { catalogEvent, consentChanged as consent, opportunitySnapshot, quoteSnapshot } from '../../../tests/helpers/events.js';
import { deliver, refusal } from '../../../tests/helpers/integration.js';
import { journeyHandler } from '../src/modules/journey/journey.handlers.js';
import { FIRST_OFFER_SEQUENCE } from '../src/modules/journey/journey.service.js';
import { campaignMetrics } from '../src/modules/campaign/campaign.queries.js';
import { createCampaign } from '../src/modules/campaign/campaign.service.js';
import { InteractionChannel } from '../src/modules/interaction/interaction.enums.js';
import { SegmentKind } from '../src/modules/segment/segment.entity.js';
import { createSegment } from '../src/modules/segment/segment.service.js';
import { createSequence, enrolInSequence } from '../src/modules/sequence/sequence.service.js';
import { applyEngagement } from '../src/modules/messaging/engagement.js';
import { deliverMessage } from '../src/modules/messaging/message-delivery.js';
import { MessageSend } from '../src/modules/messaging/message-send.entity.js';
import { queueMessage } from '../src/modules/messaging/message-send.service.js';
import { OutboundError, RecordingChannel, type OutboundChannel } from '../src/modules/messaging/outbound.channel.js';
import { rememberContacts } from '../src/modules/projection/projection.service.js';
import { runDueSteps } from '../src/modules/sequence/sequence.steps.js';
import { SequenceEnrolment, SequenceStepAction, SequenceStepCondition } from '../src/modules/sequence/sequence.entity.js';
import { createLogger } from '@crm/kit/logger.js';
import { deliverQueued, offlineGraph, useFreshMarketingDatabase } from './database.js';

// The delivery of one message and the sequences' clock, on marketing's own database with the job's functions called
// directly (the runner, SMTP and the gateway: tests/marketing-campaign-send.e2e.test.ts, tests/marketing-sequences.e2e.test.ts).

const { orm, em, write } = useFreshMarketingDatabase();
const HOUR = 3_600_000;
const at = (iso: string): Clock => ({ now: () => new Date(iso) });
const sendOf = (id: string) => em().findOneOrFail(MessageSend, { id });

/** A customer marketing may e-mail (SERVICE_COMMUNICATION and MARKETING), with an address. */
async function reachableCustomer(): Promise<{ customerId: string; email: string }> {
  const customerId = randomUUID();
  const email = `c.${customerId.slice(0, 8)}@example.com`;
  for (const event of [consent(customerId, 'SERVICE_COMMUNICATION', 'EMAIL', 'GRANTED'), consent(customerId, 'MARKETING', 'EMAIL', 'GRANTED')]) {
    await deliver(orm(), journeyHandler(), event);
  }
  await write((tx) => rememberContacts(tx, customerId, [{ kind: 'EMAIL', value: email }], new Date()));
  return { customerId, email };
}

const context = (outbound: OutboundChannel, clock: Clock = at(new Date().toISOString())) => ({
  orm: orm(),
  graph: offlineGraph,
  log: createLogger('test'),
  clock,
  channels: { EMAIL: outbound },
});

describe('delivering a message', () => {
  it('holds a marketing message in quiet hours until they end, and sends a service message at once', async () => {
    process.env.QUIET_HOURS = '21:00-08:00';
    try {
      const { customerId } = await reachableCustomer();
      const outbound = new RecordingChannel();
      const marketing = await write((tx) => queueMessage(tx, { customerId, template: 'owners-stories', purpose: 'MARKETING' }));
      const service = await write((tx) => queueMessage(tx, { customerId, template: 'appointment-confirmation', purpose: 'SERVICE_COMMUNICATION' }));
      // 22:30 in Prague on a winter evening.
      const evening = context(outbound, at('2026-12-04T21:30:00Z'));
      await deliverMessage(evening, marketing.id, { number: 1, max: 3 });
      await deliverMessage(evening, service.id, { number: 1, max: 3 });
      expect(await sendOf(marketing.id)).toMatchObject({ status: 'QUEUED', notBefore: new Date('2026-12-05T07:00:00Z') });
      expect((await sendOf(service.id)).status).toBe('SENT');
    } finally {
      process.env.QUIET_HOURS = 'off';
    }
  });

  it("sends to the address in use, not to one linked since (a stranger's web form can link one)", async () => {
    const { customerId, email } = await reachableCustomer();
    await write((tx) => rememberContacts(tx, customerId, [{ kind: 'EMAIL', value: 'someone.else@example.net' }], new Date(Date.now() + HOUR)));
    const outbound = new RecordingChannel();
    const send = await write((tx) => queueMessage(tx, { customerId, template: 'appointment-confirmation', purpose: 'SERVICE_COMMUNICATION' }));
    await deliverMessage(context(outbound), send.id, { number: 1, max: 3 });
    expect([(await sendOf(send.id)).recipient, outbound.sent.map((message) => message.to)]).toEqual([email, [email]]);
  });

  it('suppresses a marketing message over the frequency cap', async () => {
    process.env.MARKETING_FREQUENCY_CAP = '2';
    try {
      const { customerId } = await reachableCustomer();
      const ids = [];
      for (let n = 0; n < 3; n += 1) ids.push((await write((tx) => queueMessage(tx, { customerId, template: 'owners-stories', purpose: 'MARKETING' }))).id);
      await deliverQueued(orm(), new RecordingChannel());
      const statuses = await Promise.all(ids.map(async (id) => (await sendOf(id)).status));
      expect(statuses).toEqual(['SENT', 'SENT', 'SUPPRESSED']);
      expect((await sendOf(ids[2]!)).suppressionReason).toBe('FREQUENCY_CAP');
    } finally {
      delete process.env.MARKETING_FREQUENCY_CAP;
    }
  });

  it('retries a transient failure (the job throws) and fails it on the last attempt; a 5xx refusal bounces at once', async () => {
    const { customerId } = await reachableCustomer();
    let calls = 0;
    const flaky: OutboundChannel = {
      name: 'flaky',
      send: () => {
        calls += 1;
        return Promise.reject(new OutboundError('connection refused', false));
      },
    };
    const send = await write((tx) => queueMessage(tx, { customerId, template: 'appointment-confirmation', purpose: 'SERVICE_COMMUNICATION' }));
    await expect(deliverMessage(context(flaky), send.id, { number: 1, max: 2 })).rejects.toThrow('connection refused');
    expect(await sendOf(send.id)).toMatchObject({ status: 'SENDING', attempts: 1 });
    await deliverMessage(context(flaky), send.id, { number: 2, max: 2 });
    expect(await sendOf(send.id)).toMatchObject({ status: 'FAILED', attempts: 2, error: 'connection refused' });
    expect(calls).toBe(2);

    const refusing: OutboundChannel = { name: 'refusing', send: () => Promise.reject(new OutboundError('550 no such mailbox', true)) };
    const bounced = await write((tx) => queueMessage(tx, { customerId, template: 'appointment-confirmation', purpose: 'SERVICE_COMMUNICATION' }));
    await deliverMessage(context(refusing), bounced.id, { number: 1, max: 10 });
    expect(await sendOf(bounced.id)).toMatchObject({ status: 'BOUNCED', error: '550 no such mailbox' });
  });

  it('sends a retried message to the provider under the same id, so the provider sends it once', async () => {
    const { customerId, email } = await reachableCustomer();
    const outbound = new RecordingChannel();
    let failOnce = true;
    const afterAccepting: OutboundChannel = {
      name: 'accepts-then-crashes',
      async send(message) {
        const accepted = await outbound.send(message);
        if (failOnce) {
          failOnce = false;
          throw new OutboundError('timeout after the provider accepted', false);
        }
        return accepted;
      },
    };
    const send = await write((tx) => queueMessage(tx, { customerId, template: 'appointment-confirmation', purpose: 'SERVICE_COMMUNICATION' }));
    await expect(deliverMessage(context(afterAccepting), send.id, { number: 1, max: 3 })).rejects.toThrow();
    await deliverMessage(context(afterAccepting), send.id, { number: 2, max: 3 });
    expect((await sendOf(send.id)).status).toBe('SENT');
    expect(outbound.sent.filter((m) => m.to === email)).toHaveLength(1);
  });
});

describe('sequences on the clock', () => {
  it('"first offer sent" names every car and financing option of the deal, and stops when the deal is won', async () => {
    const { customerId, email } = await reachableCustomer();
    const opportunityId = randomUUID();
    const quote = (name: string, financing: Array<{ kind: string; termMonths: number }>) =>
      catalogEvent('QuoteSent', randomUUID(), {
        ...quoteSnapshot({ quoteId: randomUUID(), opportunityId, customerId, products: [{ productId: randomUUID(), name, category: 'CAR' }] }),
        title: name,
        validUntil: null,
        lines: [],
        financing: financing.map((f) => ({ ...f, monthlyPayment: { amount: '9900.00', currency: 'CZK' } })),
      });
    const stageId = randomUUID();
    const firstOffer = catalogEvent('OpportunityStageChanged', opportunityId, {
      ...opportunitySnapshot({ opportunityId, customerId, stageId, stageName: 'First offer sent', marker: 'FIRST_OFFER_SENT' }),
      fromStageId: randomUUID(),
      toStageId: stageId,
      changedBy: 'test',
      followUpAt: null,
    });
    for (const event of [quote('Kodiaq', [{ kind: 'LOAN', termMonths: 60 }]), quote('Octavia', [{ kind: 'LEASE', termMonths: 36 }]), firstOffer]) {
      expect(await deliver(orm(), journeyHandler(), event)).toBe(true);
    }
    const enrolment = await em().findOneOrFail(SequenceEnrolment, { customerId });
    const start = enrolment.createdAt.getTime();
    const outbound = new RecordingChannel();

    // Step 1 is due 24 hours after the enrolment: not at 23 hours.
    await runDueSteps(orm(), at(new Date(start + 23 * HOUR).toISOString()));
    expect(await deliverQueued(orm(), outbound)).toEqual([]);
    await runDueSteps(orm(), at(new Date(start + 25 * HOUR).toISOString()));
    await deliverQueued(orm(), outbound);
    const [offer] = outbound.sent.filter((m) => m.to === email);
    expect(offer!.text).toContain('Kodiaq');
    expect(offer!.text).toContain('Octavia');

    // Step 2 (96 hours later) lists every way to pay.
    await runDueSteps(orm(), at(new Date(start + 122 * HOUR).toISOString()));
    await deliverQueued(orm(), outbound);
    const financing = outbound.sent.filter((m) => m.to === email)[1]!;
    expect(financing.text).toMatch(/LOAN, 60 měsíců, 9900.00 CZK/);
    expect(financing.text).toMatch(/LEASE, 36 měsíců/);

    // The deal is won: the enrolment ends, and step 3 never goes.
    const won = catalogEvent('OpportunityWon', opportunityId, opportunitySnapshot({ opportunityId, customerId, status: 'WON' }));
    expect(await deliver(orm(), journeyHandler(), won)).toBe(true);
    await runDueSteps(orm(), at(new Date(start + 1000 * HOUR).toISOString()));
    await deliverQueued(orm(), outbound);
    expect(outbound.sent.filter((m) => m.to === email)).toHaveLength(2);
    expect((await em().findOneOrFail(SequenceEnrolment, { id: enrolment.id })).status).toBe('EXITED');
  });

  it('does not send a queued step whose enrolment ended before it left', async () => {
    const { customerId, email } = await reachableCustomer();
    await deliver(
      orm(),
      journeyHandler(),
      catalogEvent('OpportunityStageChanged', randomUUID(), {
        ...opportunitySnapshot({ opportunityId: randomUUID(), customerId, marker: 'FIRST_OFFER_SENT' }),
        fromStageId: null,
        toStageId: randomUUID(),
        changedBy: 'test',
        followUpAt: null,
      }),
    );
    const enrolment = await em().findOneOrFail(SequenceEnrolment, { customerId });
    await runDueSteps(orm(), at(new Date(enrolment.createdAt.getTime() + FIRST_OFFER_SEQUENCE.steps[0]!.delayHours * HOUR + 1).toISOString()));
    await deliver(orm(), journeyHandler(), consent(customerId, 'MARKETING', 'EMAIL', 'WITHDRAWN'));
    const outbound = new RecordingChannel();
    const [id] = await deliverQueued(orm(), outbound);
    expect(await sendOf(id!)).toMatchObject({ status: 'SUPPRESSED' });
    expect(outbound.sent.some((m) => m.to === email)).toBe(false);
  });
});

describe('steps that branch and steps that ask for a task', () => {
  it('skips a step whose condition does not hold, and asks sales for the task of a CREATE_TASK step', async () => {
    const { customerId, email } = await reachableCustomer();
    const sequence = await write((tx) =>
      createSequence(tx, {
        name: `Branches ${randomUUID()}`,
        steps: [
          { channel: InteractionChannel.EMAIL, template: 'your-offer-explained', delayHours: 0 },
          { channel: InteractionChannel.EMAIL, template: 'financing-your-choice', delayHours: 1, condition: SequenceStepCondition.PREVIOUS_OPENED },
          {
            channel: InteractionChannel.EMAIL,
            template: 'Call: did the offer arrive?',
            delayHours: 0,
            action: SequenceStepAction.CREATE_TASK,
            condition: SequenceStepCondition.PREVIOUS_NOT_OPENED,
          },
        ],
      }),
    );
    const enrolment = await write((tx) => enrolInSequence(tx, { sequenceId: sequence.id, customerId }, { opportunityId: randomUUID() }));
    const outbound = new RecordingChannel();
    const later = (hours: number) => at(new Date(Date.now() + hours * HOUR).toISOString());
    await runDueSteps(orm(), later(0.01));
    await deliverQueued(orm(), outbound);
    // Step 2 only if step 1 was opened: it was not, so it is skipped; step 3 (not opened → a call) asks for the task.
    await runDueSteps(orm(), later(2));
    await runDueSteps(orm(), later(3));
    await deliverQueued(orm(), outbound);
    expect(outbound.sent.filter((m) => m.to === email).map((m) => m.subject)).toEqual(['Vaše nabídka krok za krokem']);
    const asked = await em().execute<Array<{ payload: Record<string, unknown> }>>(
      "select payload from outbox_event where type = 'SequenceTaskRequested' and aggregate_id = ?",
      [enrolment.id],
    );
    expect(asked.map((e) => e.payload)).toEqual([expect.objectContaining({ customerId, step: 3, subject: 'Call: did the offer arrive?' })]);
    expect((await em().findOneOrFail(SequenceEnrolment, { id: enrolment.id })).status).toBe('COMPLETED');
  });

  it('sends the branch for an opened message instead, also as the last step (its enrolment completed as it was queued)', async () => {
    const { customerId, email } = await reachableCustomer();
    const sequence = await write((tx) =>
      createSequence(tx, {
        name: `Opened ${randomUUID()}`,
        steps: [
          { channel: InteractionChannel.EMAIL, template: 'your-offer-explained', delayHours: 0 },
          { channel: InteractionChannel.EMAIL, template: 'financing-your-choice', delayHours: 1, condition: SequenceStepCondition.PREVIOUS_OPENED },
        ],
      }),
    );
    const enrolment = await write((tx) => enrolInSequence(tx, { sequenceId: sequence.id, customerId }));
    const outbound = new RecordingChannel();
    await runDueSteps(orm(), at(new Date(Date.now() + 60_000).toISOString()));
    await deliverQueued(orm(), outbound);
    const { providerMessageId } = await em().findOneOrFail(MessageSend, { enrolmentId: enrolment.id, step: 1 });
    await applyEngagement(orm(), offlineGraph, { providerMessageId: providerMessageId!, type: 'OPENED', at: new Date() });
    await runDueSteps(orm(), at(new Date(Date.now() + 2 * HOUR).toISOString()));
    await deliverQueued(orm(), outbound);
    expect(outbound.sent.filter((m) => m.to === email)).toHaveLength(2);
  });

  it('refuses a branch on a stage without its marker and a first step that branches on a previous one', async () => {
    const step = { channel: InteractionChannel.EMAIL, template: 'owners-stories', delayHours: 0 };
    const noMarker = await refusal(
      write((tx) => createSequence(tx, { name: `Bad ${randomUUID()}`, steps: [step, { ...step, condition: SequenceStepCondition.DEAL_AT_STAGE }] })),
    );
    expect(noMarker).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { field: 'steps.1.stageMarker' } });
    const firstBranches = await refusal(
      write((tx) => createSequence(tx, { name: `Bad ${randomUUID()}`, steps: [{ ...step, condition: SequenceStepCondition.PREVIOUS_OPENED }] })),
    );
    expect(firstBranches).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { field: 'steps.0.condition' } });
  });
});

describe("the provider's reports", () => {
  it('marks a message delivered, opened and clicked once each and counts them for its campaign', async () => {
    const { customerId } = await reachableCustomer();
    const segment = await write((tx) => createSegment(tx, { name: `Reports ${randomUUID()}`, kind: SegmentKind.STATIC }));
    const campaign = await write((tx) =>
      createCampaign(tx, {
        name: 'Reports',
        segmentId: segment.id,
        channel: InteractionChannel.EMAIL,
        startsAt: new Date(),
        content: [{ language: 'cs', subject: 'Zima', text: 'Dobrý den {{firstName}}' }],
      }),
    );
    const send = await write((tx) => queueMessage(tx, { customerId, template: 'owners-stories', purpose: 'MARKETING', campaignId: campaign.id }));
    await deliverQueued(orm(), new RecordingChannel());
    const { providerMessageId } = await sendOf(send.id);
    const report = (type: 'DELIVERED' | 'OPENED' | 'CLICKED', minutes: number) =>
      applyEngagement(orm(), offlineGraph, { providerMessageId: providerMessageId!, type, at: new Date(Date.now() + minutes * 60_000), detail: null });
    expect(await report('DELIVERED', 1)).toBe(true);
    expect(await report('DELIVERED', 2)).toBe(true); // the provider retried its webhook
    await report('OPENED', 3);
    await report('CLICKED', 4);
    await report('CLICKED', 5);
    const after = await sendOf(send.id);
    expect(after.status).toBe('DELIVERED');
    expect([after.deliveredAt, after.openedAt, after.clickedAt].every((d) => d instanceof Date)).toBe(true);
    const kinds = await em().execute<Array<{ type: string }>>("select type from interaction where properties->>'messageSendId' = ?", [send.id]);
    expect(kinds.map((k) => k.type).sort()).toEqual(['MESSAGE_CLICKED', 'MESSAGE_DELIVERED', 'MESSAGE_OPENED', 'MESSAGE_SENT']);
    expect((await campaignMetrics(em(), [campaign.id]))[0]).toMatchObject({ sent: 1, delivered: 1, opened: 1, clicked: 1 });
    expect(await applyEngagement(orm(), offlineGraph, { providerMessageId: 'unknown', type: 'OPENED', at: new Date() })).toBe(false);
  });

  it("ends the message's sequence when the customer replies", async () => {
    const { customerId } = await reachableCustomer();
    const sequence = await write((tx) =>
      createSequence(tx, {
        name: `Replies ${randomUUID()}`,
        steps: [
          { channel: InteractionChannel.EMAIL, template: 'owners-stories', delayHours: 0 },
          { channel: InteractionChannel.EMAIL, template: 'book-a-test-drive', delayHours: 1 },
        ],
      }),
    );
    const enrolment = await write((tx) => enrolInSequence(tx, { sequenceId: sequence.id, customerId }));
    await runDueSteps(orm(), at(new Date(Date.now() + 1000).toISOString()));
    const [id] = await deliverQueued(orm(), new RecordingChannel());
    const { providerMessageId } = await sendOf(id!);
    await applyEngagement(orm(), offlineGraph, { providerMessageId: providerMessageId!, type: 'REPLIED', at: new Date() });
    expect(await em().findOneOrFail(SequenceEnrolment, { id: enrolment.id })).toMatchObject({ status: 'EXITED', exitReason: 'customer replied' });
  });
});
