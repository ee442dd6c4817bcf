import type { EntityManager } from '@mikro-orm/postgresql';
import { DEMO } from '@crm/demo/ids.js';
import type { Logger } from '@crm/kit/logger.js';
import { CampaignStatus } from '../modules/campaign/campaign.entity.js';
import { changeCampaignStatus, createCampaign } from '../modules/campaign/campaign.service.js';
import { Interaction, InteractionChannel as C, InteractionType as T } from '../modules/interaction/interaction.entity.js';
import { WELCOME_SEQUENCE } from '../modules/journey/journey.service.js';
import { MessageSend, MessageSendStatus } from '../modules/messaging/message-send.entity.js';
import { upsertConsentStates, upsertMarketingProjections } from '../modules/projection/projection.service.js';
import { Segment, SegmentKind } from '../modules/segment/segment.entity.js';
import { createSegment } from '../modules/segment/segment.service.js';
import { SegmentGroupOperator } from '../modules/segment/segment.rules.js';
import { createSequence, enrolInSequence } from '../modules/sequence/sequence.service.js';
import { answerSurvey } from '../modules/survey/survey.service.js';

const daysAgo = (days: number, hour = 10) => new Date(Date.UTC(2026, 10, 20 - days, hour));
const { janNovak: jan, evaHorakova: eva, autoparkFleet } = DEMO.customers;

/** Story 1, 3 and 4 from marketing's side. Each part is skipped when its data exists. */
export async function seedMarketingDemo(em: EntityManager, log: Logger): Promise<void> {
  await seedTimeline(em);
  await seedMarketingStudio(em);
  log.info('marketing demo data seeded');
}

/** Story 1 and 3 as a timeline: anonymous browsing, the hotline call, the form, e-mails, a complaint. */
async function seedTimeline(em: EntityManager): Promise<void> {
  if ((await em.count(Interaction)) > 0) return;
  const rows: Array<[string, string | null, C, T, Date, string, Record<string, unknown>]> = [
    [jan, DEMO.devices.phone, C.WEB, T.PAGE_VIEW, daysAgo(9, 19), 'website', { url: '/models/family-suv' }],
    [jan, DEMO.devices.phone, C.WEB, T.PAGE_VIEW, daysAgo(9, 20), 'website', { url: '/models/family-suv/configurator' }],
    [jan, null, C.PHONE, T.CALL, daysAgo(6, 9), 'telephony', { topic: 'Availability of the 7-seat SUV and trade-in of the old car', durationSec: 312 }],
    [jan, DEMO.devices.laptop, C.WEB, T.PAGE_VIEW, daysAgo(4, 21), 'website', { url: '/models/family-suv/financing' }],
    [jan, DEMO.devices.laptop, C.WEB, T.FORM_SUBMIT, daysAgo(4, 21), 'website', { form: 'test-drive', preferredSlot: '2026-11-21T15:00:00Z' }],
    [jan, null, C.EMAIL, T.MESSAGE_SENT, daysAgo(4, 22), 'email', { template: 'appointment-confirmation' }],
    [jan, null, C.EMAIL, T.MESSAGE_OPENED, daysAgo(3, 7), 'email', { template: 'appointment-confirmation' }],
    [jan, null, C.EMAIL, T.MESSAGE_CLICKED, daysAgo(3, 7), 'email', { template: 'appointment-confirmation', link: '/dealer/directions' }],
    [
      eva,
      null,
      C.SOCIAL,
      T.CASE_MESSAGE,
      daysAgo(2, 13),
      'social',
      { text: 'My car is back from service and the AC still does not work!', sentiment: 'negative' },
    ],
  ];
  for (const [customerId, anonymousId, channel, type, occurredAt, sourceSystem, properties] of rows) {
    em.create(Interaction, { customerId, anonymousId, channel, type, occurredAt, sourceSystem, properties });
  }
  await em.flush();
}

/** Story 4: the SUV-interest segment, the welcome sequence Jan joined with consent, a campaign with its engagement, NPS. */
async function seedMarketingStudio(em: EntityManager): Promise<void> {
  if ((await em.count(Segment)) > 0) return;
  await upsertMarketingProjections(em, {
    profiles: [
      { customerId: jan, city: 'Brno', gender: 'male', preferredLanguage: 'cs', occupation: 'Engineer' },
      { customerId: eva, city: 'Praha', gender: 'female', preferredLanguage: 'cs', occupation: 'Teacher' },
      { customerId: autoparkFleet, city: 'Ostrava', preferredLanguage: 'cs' },
    ],
  });
  // The demo's consents as identity's seed gave them (seeded data has no events to project from).
  await upsertConsentStates(em, [
    { customerId: jan, purpose: 'MARKETING', channel: 'EMAIL', granted: true, changedAt: daysAgo(4, 21) },
    { customerId: jan, purpose: 'SERVICE_COMMUNICATION', channel: 'EMAIL', granted: true, changedAt: daysAgo(4, 21) },
    { customerId: eva, purpose: 'MARKETING', channel: 'EMAIL', granted: false, changedAt: daysAgo(30) },
    { customerId: eva, purpose: 'SERVICE_COMMUNICATION', channel: 'ANY', granted: true, changedAt: daysAgo(30) },
  ]);
  const segment = await createSegment(em, {
    name: 'SUV interest',
    description: '3+ SUV page views in 30 days, marketing e-mail consent, no open opportunity',
    kind: SegmentKind.DYNAMIC,
    rules: {
      operator: SegmentGroupOperator.AND,
      conditions: [
        { interactions: { type: T.PAGE_VIEW, property: { key: 'url', contains: 'suv' }, atLeast: 3, withinDays: 30 } },
        { consent: { purpose: 'MARKETING', channel: 'EMAIL', granted: true } },
        { opportunity: { hasOpen: false } },
      ],
      groups: [],
    },
  });
  const sequence = await createSequence(em, WELCOME_SEQUENCE);
  await enrolInSequence(em, { sequenceId: sequence.id, customerId: jan }, { model: 'Family SUV' });
  // Story 1, step 3: the confirmation of Jan's web form, sent with his service-communication consent.
  em.create(MessageSend, {
    customerId: jan,
    channel: 'EMAIL',
    purpose: 'SERVICE_COMMUNICATION',
    template: 'appointment-confirmation',
    status: MessageSendStatus.SENT,
    subject: 'Your appointment request: the Family SUV',
    recipient: 'jan.novak@example.cz',
    providerMessageId: 'demo-confirmation-jan',
    createdAt: daysAgo(4, 22),
  });

  const campaign = await createCampaign(em, {
    name: 'Family SUV autumn offer',
    segmentId: segment.id,
    channel: C.EMAIL,
    startsAt: daysAgo(2, 8),
    content: [
      {
        language: 'cs',
        subject: 'Podzimní nabídka rodinných SUV',
        text: 'Dobrý den {{firstName}},\npodzimní nabídka rodinných SUV platí do konce měsíce.\n{{unsubscribeUrl}}',
      },
      {
        language: 'en',
        subject: 'Our family SUV autumn offer',
        text: 'Hello {{firstName}},\nour family SUV autumn offer runs to the end of the month.\n{{unsubscribeUrl}}',
      },
    ],
  });
  const scheduled = await changeCampaignStatus(em, campaign.id, campaign.version, { status: CampaignStatus.SCHEDULED });
  const running = await changeCampaignStatus(em, campaign.id, scheduled.version, { status: CampaignStatus.RUNNING });
  // It went out two days ago (the history below): its audience was queued then, so starting it sends nothing now.
  running.startedAt = daysAgo(2, 8);
  running.audienceQueuedAt = daysAgo(2, 8);
  for (const [type, hour] of [
    [T.MESSAGE_SENT, 8],
    [T.MESSAGE_DELIVERED, 8],
    [T.MESSAGE_OPENED, 12],
    [T.MESSAGE_CLICKED, 12],
  ] as const) {
    em.create(Interaction, {
      customerId: jan,
      channel: C.EMAIL,
      type,
      occurredAt: daysAgo(2, hour),
      sourceSystem: 'email',
      campaignId: campaign.id,
      properties: { template: 'family-suv-autumn-offer', campaignId: campaign.id },
    });
  }
  await em.flush();

  await answerSurvey(em, {
    customerId: jan,
    score: 9,
    comment: 'The hotline answered everything about the 7-seater',
    channel: C.EMAIL,
    respondedAt: daysAgo(1, 18),
  });
  await answerSurvey(em, {
    customerId: eva,
    score: 2,
    comment: 'The AC is still broken after the service visit',
    channel: C.SOCIAL,
    respondedAt: daysAgo(1, 9),
  });
}
