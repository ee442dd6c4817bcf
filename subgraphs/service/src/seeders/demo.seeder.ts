import type { EntityManager } from '@mikro-orm/postgresql';
import { DEMO } from '@crm/demo/ids.js';
import type { Logger } from '@crm/kit/logger.js';
import { Asset, AssetInsuranceType, AssetKind } from '../modules/asset/asset.entity.js';
import { ServiceVisit } from '../modules/asset/service-visit.entity.js';
import { CaseAssignmentRule } from '../modules/assignment/case-assignment-rule.entity.js';
import { classifyCase } from '../modules/case/case.classification.js';
import { Case, CaseCategory, CaseChannel, CaseLine, CasePriority, CaseStatus } from '../modules/case/case.entity.js';
import { WorkingCalendar, WorkingDay } from '../modules/calendar/working-calendar.entity.js';
import { businessCalendarOf } from '../modules/calendar/working-calendar.service.js';
import { ServiceContract } from '../modules/contract/service-contract.entity.js';
import { KnowledgeArticle, KnowledgeArticleStatus } from '../modules/knowledge/knowledge-article.entity.js';
import { CaseMessage, CaseMessageDirection } from '../modules/message/case-message.entity.js';
import { ServiceContractTier, slaDeadlines, slaSchedule } from '../modules/sla/sla.policy.js';
import { service } from '../settings.js';
import { CZECH_PUBLIC_HOLIDAYS } from './czech-public-holidays.js';

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);

/**
 * The service side of the stories, each part seeded once (idempotent):
 * Story 3 — Eva Horáková's complaint moving from social media to chat to phone, on one case, under her PREMIUM
 * contract in the workshop's hours (a working calendar with the Czech public holidays), and the
 * fleet's urgent case about to breach its resolution deadline (the SLA job flags it at start);
 * Story 1/2 — Jan Novák's delivered car with its loan, insurance and first service visit; the assignment rules
 * that give new cases of both lines to the demo agent.
 */
export async function seedServiceDemo(em: EntityManager, log: Logger): Promise<void> {
  const workshop = await seedContracts(em);
  await seedArticles(em);
  if ((await em.count(CaseAssignmentRule, {})) === 0) seedAssignmentRules(em);
  if ((await em.count(Asset, { customerId: DEMO.customers.janNovak })) === 0) seedJansCar(em);
  await seedEvasComplaint(em, workshop);
  if ((await em.count(Case, { customerId: DEMO.customers.autoparkFleet })) === 0) seedFleetCaseAtRisk(em);
  await em.flush();
  log.info('service demo data seeded');
}

/** DOMAIN Story 3: new cases are assigned to a suitable agent (the demo has one agent on both lines). */
function seedAssignmentRules(em: EntityManager): void {
  em.create(CaseAssignmentRule, { name: 'First line', line: CaseLine.FIRST, agentIds: [DEMO.users.serviceAgent] });
  em.create(CaseAssignmentRule, { name: 'Second line', line: CaseLine.SECOND, agentIds: [DEMO.users.serviceAgent] });
}

/** The workshop's hours, in which PREMIUM service runs: MON–FRI 08:00–17:00 in the dealer's time zone, Czech public holidays off. */
export const WORKSHOP_CALENDAR_NAME = 'Workshop hours (Mon–Fri 08:00–17:00, Czech public holidays off)';

/**
 * Eva's PREMIUM contract runs its deadlines in the workshop's hours; the fleet's ENTERPRISE contract round the clock
 * (calendar time: a stranded van does not wait for Monday). Returns the workshop calendar.
 */
async function seedContracts(em: EntityManager): Promise<WorkingCalendar> {
  let workshop = await em.findOne(WorkingCalendar, { name: WORKSHOP_CALENDAR_NAME });
  const calendarIsNew = !workshop;
  workshop ??= em.create(WorkingCalendar, {
    name: WORKSHOP_CALENDAR_NAME,
    workingHours: [{ days: [WorkingDay.MON, WorkingDay.TUE, WorkingDay.WED, WorkingDay.THU, WorkingDay.FRI], opens: '08:00', closes: '17:00' }],
    holidays: [...CZECH_PUBLIC_HOLIDAYS],
  });
  const terms = {
    [DEMO.customers.evaHorakova]: { tier: ServiceContractTier.PREMIUM, calendarId: workshop.id },
    [DEMO.customers.autoparkFleet]: { tier: ServiceContractTier.ENTERPRISE, calendarId: null },
  };
  const existing = await em.find(ServiceContract, { customerId: { $in: Object.keys(terms) } });
  for (const [customerId, { tier, calendarId }] of Object.entries(terms)) {
    const contract = existing.find((c) => c.customerId === customerId);
    if (!contract) em.create(ServiceContract, { customerId, tier, calendarId });
    else if (calendarIsNew && calendarId) contract.calendarId = calendarId; // seeded before calendars
  }
  return workshop;
}

const ARTICLES: Array<Pick<KnowledgeArticle, 'title' | 'body' | 'tags' | 'status'>> = [
  {
    title: 'Air conditioning not cooling after service',
    body: 'If the air conditioning blows warm air after a service visit, the refrigerant may not have been refilled to the right level or the compressor clutch relay was left disconnected. Book a free re-check: the workshop measures the refrigerant pressure and refills it under the service warranty.',
    tags: ['air-conditioning', 'service', 'cooling'],
    status: KnowledgeArticleStatus.PUBLISHED,
  },
  {
    title: 'How to pair your phone',
    body: 'Open Settings > Bluetooth on the infotainment screen, choose "Add device" and confirm the PIN on your phone. For wireless SmartLink, enable it on the phone first. Up to two phones can be paired at once.',
    tags: ['bluetooth', 'infotainment', 'phone'],
    status: KnowledgeArticleStatus.PUBLISHED,
  },
  {
    title: 'Warranty for repairs',
    body: 'Every repair done in our workshop carries a 24-month warranty on parts and labour. If the same fault returns, the repair is redone free of charge; bring the service invoice or quote the case number.',
    tags: ['warranty', 'repairs'],
    status: KnowledgeArticleStatus.PUBLISHED,
  },
  {
    title: 'Winter tyre storage (draft)',
    body: 'Tyres are stored in a heated hall and checked for tread depth before fitting.',
    tags: ['tyres'],
    status: KnowledgeArticleStatus.DRAFT,
  },
];

async function seedArticles(em: EntityManager): Promise<void> {
  const existing = await em.find(KnowledgeArticle, { title: { $in: ARTICLES.map((a) => a.title) } });
  for (const article of ARTICLES) {
    if (!existing.some((e) => e.title === article.title)) em.create(KnowledgeArticle, { ...article, tagsText: article.tags.join(' ') });
  }
}

function seedJansCar(em: EntityManager): void {
  const car = em.create(Asset, {
    customerId: DEMO.customers.janNovak,
    kind: AssetKind.VEHICLE,
    identifier: 'TMBJJ7NS4R8012345',
    model: 'Škoda Kodiaq 2.0 TDI 4x4 Style',
    year: 2026,
    mileage: 15200,
    financingProvider: 'Škoda Financial Services',
    financingContractNumber: 'SFS-2026-004518',
    financingMonthlyPayment: '8990.00',
    financingCurrency: 'CZK',
    financingEndsOn: '2031-05-31',
    insuranceProvider: 'Kooperativa',
    insurancePolicyNumber: 'KOOP-7788120',
    insuranceType: AssetInsuranceType.COMPREHENSIVE,
    insuranceValidUntil: '2027-06-01',
  });
  em.create(ServiceVisit, {
    assetId: car.id,
    visitedOn: '2026-10-20',
    mileage: 15200,
    workDone: 'First inspection: oil and filter change, software update of the infotainment',
    cost: '4890.00',
    currency: 'CZK',
  });
}

/** One case, one history: the conversation follows Eva from social media to chat to the phone. */
async function seedEvasComplaint(em: EntityManager, workshop: WorkingCalendar): Promise<void> {
  const existing = await em.findOne(Case, { customerId: DEMO.customers.evaHorakova });
  if (existing && (await em.count(CaseMessage, { caseId: existing.id })) > 0) return;
  const subject = 'Air conditioning still broken after service visit';
  const description = 'The air conditioning is not cooling although it was repaired at the last service. Posted publicly on social media.';
  const openedAt = minutesAgo(150);
  const classified = classifyCase(`${subject}\n${description}`);
  // Her PREMIUM terms in the workshop's hours: 1 business hour to respond, 8 to resolve.
  const schedule = slaSchedule(ServiceContractTier.PREMIUM, classified.priority, openedAt, businessCalendarOf(workshop), service().SLA_AT_RISK_FRACTION);
  const evasCase =
    existing ??
    em.create(Case, {
      customerId: DEMO.customers.evaHorakova,
      subject,
      channel: CaseChannel.SOCIAL,
      currentChannel: CaseChannel.SOCIAL,
      ...schedule,
    });
  Object.assign(evasCase, {
    subject,
    description,
    assigneeId: DEMO.users.serviceAgent,
    status: CaseStatus.OPEN,
    category: classified.category,
    priority: classified.priority,
    line: classified.line,
    autoClassified: true,
    contractTier: ServiceContractTier.PREMIUM,
    calendarId: workshop.id,
    createdAt: openedAt,
    ...schedule,
  });
  const conversation: Array<[number, CaseChannel, CaseMessageDirection, string]> = [
    [150, CaseChannel.SOCIAL, CaseMessageDirection.INBOUND, 'Picked up my car from your service yesterday and the A/C is STILL not cooling. Unacceptable.'],
    [140, CaseChannel.SOCIAL, CaseMessageDirection.OUTBOUND, "We're sorry, Eva. Let's sort this out in private: we've sent you a chat link."],
    [120, CaseChannel.CHAT, CaseMessageDirection.INBOUND, 'Hi, it blows warm air since the service visit on Monday. Car is the Octavia, plate 2AB 1234.'],
    [
      115,
      CaseChannel.CHAT,
      CaseMessageDirection.OUTBOUND,
      'Thank you. This looks like a refrigerant refill issue; the re-check is free under the repair warranty.',
    ],
    [60, CaseChannel.PHONE, CaseMessageDirection.INBOUND, 'Customer called: wants the re-check this week, before her holiday.'],
    [55, CaseChannel.PHONE, CaseMessageDirection.INTERNAL_NOTE, 'Booked the workshop for Thursday 8:00; loan car reserved.'],
  ];
  for (const [ago, channel, direction, body] of conversation) {
    const fromCustomer = direction === CaseMessageDirection.INBOUND;
    em.create(CaseMessage, {
      caseId: evasCase.id,
      channel,
      direction,
      authorCustomerId: fromCustomer ? evasCase.customerId : null,
      authorUserId: fromCustomer ? null : DEMO.users.serviceAgent,
      body,
      sentAt: minutesAgo(ago),
    });
  }
  evasCase.firstRespondedAt = minutesAgo(140);
  evasCase.currentChannel = CaseChannel.PHONE;
}

/** ENTERPRISE, URGENT, escalated and not yet picked up on the second line: the two-hour resolution deadline is 20 minutes away. */
function seedFleetCaseAtRisk(em: EntityManager): void {
  const openedAt = minutesAgo(100);
  const fleetCase = em.create(Case, {
    customerId: DEMO.customers.autoparkFleet,
    subject: 'Delivery van will not start, driver stranded',
    description: 'Fleet van 5AC 2231 does not start after the software update; the driver is waiting on site.',
    channel: CaseChannel.PHONE,
    currentChannel: CaseChannel.PHONE,
    status: CaseStatus.OPEN,
    priority: CasePriority.URGENT,
    category: CaseCategory.TECHNICAL,
    line: CaseLine.SECOND,
    contractTier: ServiceContractTier.ENTERPRISE,
    createdAt: openedAt,
    firstRespondedAt: minutesAgo(95),
    ...slaDeadlines(ServiceContractTier.ENTERPRISE, CasePriority.URGENT, openedAt),
  });
  em.create(CaseMessage, {
    caseId: fleetCase.id,
    channel: CaseChannel.PHONE,
    direction: CaseMessageDirection.INBOUND,
    authorCustomerId: fleetCase.customerId,
    body: "Fleet manager called: van 5AC 2231 will not start after yesterday's software update, driver stranded in Brno.",
    sentAt: openedAt,
  });
  em.create(CaseMessage, {
    caseId: fleetCase.id,
    channel: CaseChannel.PHONE,
    direction: CaseMessageDirection.OUTBOUND,
    authorUserId: DEMO.users.serviceAgent,
    body: 'Roadside assistance is on its way; we will roll back the update on site.',
    sentAt: minutesAgo(95),
  });
}
