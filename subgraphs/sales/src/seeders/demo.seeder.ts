import type { EntityManager } from '@mikro-orm/postgresql';
import { actingFor } from '@crm/kit/access/viewer.js';
import { WebForm } from '../modules/intake/web-form.entity.js';
import { DEMO } from '@crm/demo/ids.js';
import type { Logger } from '@crm/kit/logger.js';
import { SalesActivityType } from '../modules/activity/activity.entity.js';
import { createActivity } from '../modules/activity/activity.service.js';
import { LeadSource, LeadStatus } from '../modules/lead/lead.entity.js';
import { convertLead, createLead, updateLeadStatus } from '../modules/lead/lead.service.js';
import { createOpportunity, moveOpportunity, updateOpportunity } from '../modules/opportunity/opportunity.service.js';
import { type Stage, StageMarker } from '../modules/pipeline/pipeline.entity.js';
import { createPipeline, DEFAULT_PIPELINE, resolvePipeline, stagesOf } from '../modules/pipeline/pipeline.service.js';
import { Product, ProductCategory } from '../modules/product/product.entity.js';
import { createProduct } from '../modules/product/product.service.js';
import { FinancingKind } from '../modules/quote/quote.entity.js';
import { LeadRoutingRule } from '../modules/routing/routing-rule.entity.js';
import { createLeadRoutingRule } from '../modules/routing/routing.service.js';
import { addQuoteFinancing, addQuoteLine, createQuote, markQuoteViewed, sendQuote } from '../modules/quote/quote.service.js';

const CZK = (amount: string) => ({ amount, currency: 'CZK' });
const rep = DEMO.users.salesRep;

async function seedProducts(em: EntityManager): Promise<Record<string, Product>> {
  const items: Array<[string, string, string, ProductCategory]> = [
    ['SK-OCTAVIA-COMBI', 'Škoda Octavia Combi 2.0 TDI Style', '749900.00', ProductCategory.CAR],
    ['SK-KODIAQ', 'Škoda Kodiaq 2.0 TDI 4x4 Sportline', '899900.00', ProductCategory.CAR],
    ['SK-ENYAQ-85', 'Škoda Enyaq 85', '1249900.00', ProductCategory.CAR],
    ['INS-COMPREHENSIVE', 'Comprehensive car insurance, first year', '24900.00', ProductCategory.INSURANCE],
    ['SVC-5Y', 'Service package 5 years / 100,000 km', '39900.00', ProductCategory.SERVICE_PACKAGE],
  ];
  const products: Record<string, Product> = {};
  for (const [sku, name, price, category] of items) {
    products[sku] = await createProduct(em, { sku, name, category, listPrice: CZK(price), active: true });
  }
  return products;
}

/** Story 1 step 4: web-form leads from Prague asking about a car go to the demo sales rep. */
async function seedRoutingRules(em: EntityManager): Promise<void> {
  if ((await em.count(LeadRoutingRule)) > 0) return;
  await createLeadRoutingRule(em, {
    name: 'Praha: cars',
    regionPrefix: 'Praha',
    productCategory: ProductCategory.CAR,
    candidateUserIds: [rep],
    capacityPerRep: 30,
    priority: 10,
  });
}

export const DEMO_WEB_FORM_KEY = 'wf_demo_dealer_site';

const stageBy = (stages: Stage[], marker: StageMarker) => stages.find((s) => s.marker === marker)!;

/** Story 1 (DOMAIN.md) from the sales side: Jan Novák from the web form to three quotes and a follow-up call. Idempotent. */
export async function seedSalesDemo(em: EntityManager, log: Logger): Promise<void> {
  await seedRoutingRules(em);
  // The dealer site's form: its public key is in the README's web-form example.
  if (!(await em.count(WebForm, { publicKey: DEMO_WEB_FORM_KEY })))
    em.create(WebForm, { name: 'Dealer site: test drive request', publicKey: DEMO_WEB_FORM_KEY });
  await em.flush();
  if ((await em.count(Product)) > 0) return;
  // A database migrated from before pipelines has a plain "Default" pipeline; the story needs the car-sales stages.
  let pipeline = await resolvePipeline(em);
  if (!(await stagesOf(em, pipeline.id)).some((stage) => stage.marker === StageMarker.FIRST_OFFER_SENT)) {
    pipeline = await createPipeline(em, { ...DEFAULT_PIPELINE, isDefault: true });
  }
  const stages = await stagesOf(em, pipeline.id);
  const products = await seedProducts(em);
  const jan = DEMO.customers.janNovak;
  // The records are the rep's (and the manager's) own: made in their name, as they would have.
  const asRep = actingFor(rep);

  await createActivity(em, {
    type: SalesActivityType.CALL,
    subject: 'Hotline: asked about family SUVs and financing',
    notes: 'Two children, wants a tow bar, interested in a loan or a lease',
    customerId: jan,
    ownerId: rep,
    occurredAt: new Date('2026-11-03T09:15:00Z'),
  });

  let lead = await createLead(
    em,
    {
      source: LeadSource.WEB_FORM,
      customerId: jan,
      contactName: 'Jan Novák',
      contactEmail: 'jan.novak@example.cz',
      contactPhone: '601 123 456',
      requestedAppointment: new Date('2026-11-10T15:00:00Z'),
      interest: 'Škoda Kodiaq, family SUV',
      interestProductId: products['SK-KODIAQ']!.id,
      score: 72,
      ownerId: rep,
    },
    asRep,
  );
  lead = await updateLeadStatus(em, lead.id, lead.version, LeadStatus.CONTACTED, asRep);
  lead = await updateLeadStatus(em, lead.id, lead.version, LeadStatus.QUALIFIED, asRep);
  let { opportunity } = await convertLead(em, lead.id, lead.version, { pipelineId: pipeline.id }, asRep);
  opportunity = await updateOpportunity(
    em,
    opportunity.id,
    opportunity.version,
    {
      title: 'Family SUV for the Novák family',
      expectedCloseDate: '2027-01-15',
    },
    asRep,
  );
  opportunity = await moveOpportunity(em, opportunity.id, opportunity.version, stageBy(stages, StageMarker.TEST_DRIVE).id, asRep);

  await createActivity(em, {
    type: SalesActivityType.MEETING,
    subject: 'Showroom meeting and test drive',
    notes: 'Needs: 7 seats optional, tow bar, budget around 900k CZK; prefers a monthly payment under 15k',
    customerId: jan,
    opportunityId: opportunity.id,
    ownerId: rep,
    occurredAt: new Date('2026-11-10T15:00:00Z'),
  });

  for (const sku of ['SK-OCTAVIA-COMBI', 'SK-KODIAQ', 'SK-ENYAQ-85']) {
    const car = products[sku]!;
    let quote = await createQuote(
      em,
      { opportunityId: opportunity.id, title: car.name, currency: 'CZK', taxRatePercent: '21', validUntil: '2026-12-31' },
      asRep,
    );
    quote = await addQuoteLine(em, quote.id, quote.version, { productId: car.id, quantity: 1, discountPercent: '3' }, asRep);
    quote = await addQuoteLine(em, quote.id, quote.version, { productId: products['INS-COMPREHENSIVE']!.id, quantity: 1 }, asRep);
    quote = await addQuoteFinancing(
      em,
      quote.id,
      quote.version,
      { kind: FinancingKind.LOAN, termMonths: 60, annualRatePercent: '4.9', downPaymentPercent: '20' },
      asRep,
    );
    quote = await addQuoteFinancing(
      em,
      quote.id,
      quote.version,
      { kind: FinancingKind.LEASE, termMonths: 48, annualRatePercent: '5.5', downPaymentPercent: '10', residualValuePercent: '35' },
      asRep,
    );
    quote = await sendQuote(em, quote.id, quote.version, asRep);
    if (sku === 'SK-KODIAQ') await markQuoteViewed(em, quote.id);
  }
  opportunity = await moveOpportunity(em, opportunity.id, opportunity.version, stageBy(stages, StageMarker.FIRST_OFFER_SENT).id, asRep);
  await updateOpportunity(em, opportunity.id, opportunity.version, { amount: CZK('899900.00') }, asRep);

  await createActivity(em, {
    type: SalesActivityType.TASK,
    subject: 'Call Jan Novák about the three offers',
    customerId: jan,
    opportunityId: opportunity.id,
    ownerId: rep,
    dueAt: new Date('2026-11-17T09:00:00Z'),
    reminderAt: new Date('2026-11-17T08:30:00Z'),
  });

  await createOpportunity(
    em,
    {
      customerId: DEMO.customers.autoparkFleet,
      ownerId: rep,
      title: 'Fleet renewal: 12 estate cars',
      pipelineId: pipeline.id,
      amount: CZK('7450000.00'),
      expectedCloseDate: '2027-03-31',
    },
    actingFor(DEMO.users.manager),
  );
  log.info('sales demo data seeded');
}
