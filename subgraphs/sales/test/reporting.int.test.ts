import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { actingFor } from '@crm/kit/access/viewer.js';
import { refusal } from '../../../tests/helpers/integration.js';
import { LeadSource } from '../src/modules/lead/lead.entity.js';
import { openLead } from '../src/modules/lead/lead.service.js';
import { createOpportunity } from '../src/modules/opportunity/opportunity.service.js';
import { stagesOf } from '../src/modules/pipeline/pipeline.service.js';
import { pipelineSummary } from '../src/modules/pipeline/pipeline.summary.js';
import { QuoteView, QuoteViewKind } from '../src/modules/quote/quote-document.entity.js';
import { createQuote } from '../src/modules/quote/quote.service.js';
import { conversionFunnel, FunnelGrouping } from '../src/modules/reporting/conversion-funnel.js';
import { quotesOpened, startOfDealerDay } from '../src/modules/reporting/quotes-opened.js';
import { forecastMonths, salesForecast } from '../src/modules/reporting/sales-forecast.js';
import { newPipeline, salesRep, useFreshSalesDatabase } from './database.js';

// The sales dashboard's aggregates on sales' own database, with numbers known in advance: the pipeline by stage and
// by owner in a reporting currency (converted with EXCHANGE_RATES, and saying so), the forecast by close month, the
// conversion funnel and the quotes opened. Through the gateway and live: tests/dashboard-aggregates.e2e.test.ts.

const { em, write } = useFreshSalesDatabase();
const admin = actingFor(randomUUID());

beforeEach(() => {
  process.env.EXCHANGE_RATES = 'EUR=25.10,PLN=5.95';
  delete process.env.EXCHANGE_RATES_BASE;
});
afterEach(() => {
  delete process.env.EXCHANGE_RATES;
});

async function pipelineWithDeals() {
  const pipeline = await write((em) => newPipeline(em, `Board ${randomUUID()}`));
  const [inquiry, offer, won] = await stagesOf(em(), pipeline.id);
  const [repA, repB] = [randomUUID(), randomUUID()].sort();
  const deal = (amount: string, currency: string, ownerId: string, stageId: string, expectedCloseDate?: string) =>
    write((em) =>
      createOpportunity(
        em,
        {
          customerId: randomUUID(),
          pipelineId: pipeline.id,
          stageId,
          title: `${amount} ${currency}`,
          amount: { amount, currency },
          ownerId,
          expectedCloseDate,
        },
        admin,
      ),
    );
  return { pipeline, inquiry: inquiry!, offer: offer!, won: won!, repA: repA!, repB: repB!, deal };
}

describe('pipelineSummary in a reporting currency', () => {
  it('converts other currencies with the configured rates, by stage and by owner, and names what it could not convert', async () => {
    const { pipeline, inquiry, offer, repA, repB, deal } = await pipelineWithDeals();
    await deal('1000.00', 'CZK', repA, inquiry.id); // weighted 10 %: 100.00
    await deal('100.00', 'EUR', repA, offer.id); // 2510.00 CZK, weighted 50 %: 1255.00
    await deal('200.00', 'PLN', repB, inquiry.id); // 1190.00 CZK, weighted 119.00
    await deal('50.00', 'GBP', repB, offer.id); // no rate: left out, and said

    const czk = await pipelineSummary(em(), pipeline.id, 'CZK', [], admin);
    expect([czk.count, czk.value, czk.weightedValue.amount]).toEqual([3, { amount: '4700.00', currency: 'CZK' }, '1474.00']);
    expect(czk.stages.map((s) => [s.stage.name, s.count, s.value.amount, s.weightedValue.amount])).toEqual([
      ['Inquiry', 2, '2190.00', '219.00'],
      ['Offer', 1, '2510.00', '1255.00'],
      ['Won', 0, '0.00', '0.00'],
      ['Lost', 0, '0.00', '0.00'],
    ]);
    expect(czk.owners.map((o) => [o.owner?.id, o.count, o.value.amount, o.weightedValue.amount])).toEqual([
      [repA, 2, '3510.00', '1355.00'],
      [repB, 1, '1190.00', '119.00'],
    ]);
    expect(czk.conversion).toEqual({
      currency: 'CZK',
      rates: [
        { from: 'EUR', rate: 25.1 },
        { from: 'PLN', rate: 5.95 },
      ],
      converted: true,
      unconvertible: ['GBP'],
    });

    // Through the base: CZK → EUR is 1 / 25.10, PLN → EUR 5.95 / 25.10.
    const eur = await pipelineSummary(em(), pipeline.id, 'EUR', [], admin);
    expect([eur.count, eur.value.amount, eur.conversion.rates.map((r) => [r.from, r.rate])]).toEqual([
      3,
      '187.25',
      [
        ['CZK', 0.0398406375],
        ['PLN', 0.2370517928],
      ],
    ]);
    const gbp = await pipelineSummary(em(), pipeline.id, 'GBP', [], admin);
    expect([gbp.count, gbp.value.amount, gbp.conversion.converted, gbp.conversion.unconvertible]).toEqual([1, '50.00', false, ['CZK', 'EUR', 'PLN']]);

    // A rep sees only their own rows, converted the same way.
    const mine = await pipelineSummary(em(), pipeline.id, 'CZK', [], salesRep(repA));
    expect([mine.count, mine.value.amount, mine.owners.length, mine.conversion.unconvertible]).toEqual([2, '3510.00', 1, []]);

    delete process.env.EXCHANGE_RATES;
    const unconfigured = await pipelineSummary(em(), pipeline.id, 'CZK', [], admin);
    expect([unconfigured.count, unconfigured.value.amount, unconfigured.conversion.unconvertible]).toEqual([1, '1000.00', ['EUR', 'GBP', 'PLN']]);
  });
});

describe('salesForecast', () => {
  it("counts open business by expected close month from the dealer's current month, empty months as zero", async () => {
    const { pipeline, inquiry, offer, won, repA, repB, deal } = await pipelineWithDeals();
    await deal('1000.00', 'CZK', repA, inquiry.id, '2026-12-20');
    await deal('100.00', 'EUR', repB, offer.id, '2027-02-01');
    await deal('999.00', 'CZK', repA, inquiry.id, '2026-11-30'); // before this month: not forecast
    await deal('777.00', 'CZK', repA, won.id, '2026-12-10'); // won: not open
    await deal('10.00', 'GBP', repA, inquiry.id, '2027-01-15'); // no rate
    await deal('5000.00', 'CZK', repA, inquiry.id, '2027-03-01'); // after the period

    const now = new Date('2026-12-15T12:00:00Z');
    const forecast = await salesForecast(em(), { pipelineId: pipeline.id, currency: 'CZK', months: 3 }, admin, now);
    expect(forecast.months.map((m) => [m.month, m.count, m.value.amount, m.weightedValue.amount])).toEqual([
      ['2026-12', 1, '1000.00', '100.00'],
      ['2027-01', 0, '0.00', '0.00'],
      ['2027-02', 1, '2510.00', '1255.00'],
    ]);
    expect(forecast.conversion).toMatchObject({ currency: 'CZK', converted: true, unconvertible: ['GBP'], rates: [{ from: 'EUR', rate: 25.1 }] });
    const repBs = await salesForecast(em(), { pipelineId: pipeline.id, currency: 'CZK', months: 3, ownerId: repB }, admin, now);
    expect(repBs.months.map((m) => m.count)).toEqual([0, 0, 1]);

    // 23:30 UTC on 30 November is already December in Prague.
    expect(forecastMonths(new Date('2026-11-30T23:30:00Z'), 2, 'Europe/Prague')).toEqual(['2026-12', '2027-01']);
    expect(forecastMonths(new Date('2026-11-30T23:30:00Z'), 1, 'UTC')).toEqual(['2026-11']);
    expect((await refusal(salesForecast(em(), { pipelineId: pipeline.id, currency: 'CZK', months: 0 }, admin))).code).toBe('BAD_USER_INPUT');
    expect((await refusal(salesForecast(em(), { pipelineId: pipeline.id, currency: 'czk', months: 3 }, admin))).code).toBe('BAD_USER_INPUT');
  });
});

describe('conversionFunnel', () => {
  it('follows the leads created in the period to opportunities and wins, by source and by rep', async () => {
    const { pipeline, inquiry, won, repA, repB, deal } = await pipelineWithDeals();
    const wonDeal = await deal('1.00', 'CZK', repA, won.id);
    const openDeal = await deal('1.00', 'CZK', repA, inquiry.id);
    const lostDeal = await deal('1.00', 'CZK', repB, inquiry.id);
    const from = new Date('2030-01-01T00:00:00Z');
    const lead = (source: LeadSource, ownerId: string | null, createdAt: string, convertedOpportunityId: string | null = null) =>
      write(async (em) => {
        const created = openLead(em, { source, ownerId, customerId: randomUUID() });
        created.createdAt = new Date(createdAt);
        created.convertedOpportunityId = convertedOpportunityId;
        await em.flush();
      });
    await lead(LeadSource.WEB_FORM, repA, '2030-01-02T10:00:00Z', wonDeal.id);
    await lead(LeadSource.WEB_FORM, repA, '2030-01-03T10:00:00Z', openDeal.id);
    await lead(LeadSource.WEB_FORM, null, '2030-01-04T10:00:00Z');
    await lead(LeadSource.WEB_FORM, repB, '2030-01-05T10:00:00Z');
    await lead(LeadSource.PHONE, repB, '2030-01-06T10:00:00Z', lostDeal.id);
    await lead(LeadSource.PHONE, repB, '2030-01-07T10:00:00Z');
    await lead(LeadSource.WEB_FORM, repA, '2030-02-01T00:00:00Z', wonDeal.id); // after the period
    void pipeline;

    const to = new Date('2030-02-01T00:00:00Z');
    const bySource = await conversionFunnel(em(), from, to, FunnelGrouping.SOURCE, admin);
    expect(bySource).toMatchObject({ leads: 6, opportunities: 3, won: 1, leadToOpportunityRate: 0.5, opportunityToWonRate: 0.3333 });
    expect(bySource.groups.map((g) => [g.key, g.label, g.leads, g.opportunities, g.won, g.leadToOpportunityRate, g.opportunityToWonRate])).toEqual([
      ['WEB_FORM', 'Web form', 4, 2, 1, 0.5, 0.5],
      ['PHONE', 'Phone', 2, 1, 0, 0.5, 0],
    ]);
    const byOwner = await conversionFunnel(em(), from, to, FunnelGrouping.OWNER, admin);
    const rows = byOwner.groups.map((g) => [g.key, g.owner?.id ?? null, g.leads, g.opportunities, g.won]);
    expect(rows).toEqual(
      expect.arrayContaining([
        [repA, repA, 2, 2, 1],
        [repB, repB, 3, 1, 0],
        ['UNASSIGNED', null, 1, 0, 0],
      ]),
    );
    expect(byOwner.groups.find((g) => g.key === 'UNASSIGNED')).toMatchObject({ label: 'Unassigned', leadToOpportunityRate: 0, opportunityToWonRate: null });
    const repAs = await conversionFunnel(em(), from, to, FunnelGrouping.SOURCE, salesRep(repA));
    expect([repAs.leads, repAs.opportunities, repAs.won]).toEqual([2, 2, 1]);
    expect((await refusal(conversionFunnel(em(), to, from, FunnelGrouping.SOURCE, admin))).code).toBe('BAD_USER_INPUT');
  });
});

describe('quotesOpened', () => {
  it('counts distinct quotes opened since a moment, latest first; downloads and earlier opens do not count', async () => {
    const { inquiry, repA, repB, deal } = await pipelineWithDeals();
    const mineDeal = await deal('1.00', 'CZK', repA, inquiry.id);
    const theirDeal = await deal('1.00', 'CZK', repB, inquiry.id);
    const quote = (opportunityId: string) => write((em) => createQuote(em, { opportunityId, title: 'Offer', currency: 'CZK', taxRatePercent: '21' }, admin));
    const [first, second, downloaded, earlier, theirs] = [
      await quote(mineDeal.id),
      await quote(mineDeal.id),
      await quote(mineDeal.id),
      await quote(mineDeal.id),
      await quote(theirDeal.id),
    ];
    const view = (quoteId: string, kind: QuoteViewKind, at: string) =>
      write(async (em) => {
        em.create(QuoteView, { quoteId, kind, channel: 'WEB', viewedAt: new Date(at) });
        await em.flush();
      });
    const since = new Date('2031-03-01T00:00:00Z');
    await view(first!.id, QuoteViewKind.OPENED, '2031-03-01T08:00:00Z');
    await view(second!.id, QuoteViewKind.OPENED, '2031-03-01T09:00:00Z');
    await view(first!.id, QuoteViewKind.OPENED, '2031-03-01T10:00:00Z');
    await view(downloaded!.id, QuoteViewKind.DOWNLOADED, '2031-03-01T11:00:00Z');
    await view(earlier!.id, QuoteViewKind.OPENED, '2031-02-28T23:59:00Z');
    await view(theirs!.id, QuoteViewKind.OPENED, '2031-03-01T12:00:00Z');

    const all = await quotesOpened(em(), since, admin);
    expect([all.count, all.quotes.map((q) => q.id)]).toEqual([3, [theirs!.id, first!.id, second!.id]]);
    const mine = await quotesOpened(em(), since, salesRep(repA));
    expect([mine.count, mine.quotes.map((q) => q.id)]).toEqual([2, [first!.id, second!.id]]);

    // Without since: from the start of the dealer's day (midnight in Prague is 23:00 UTC in winter).
    expect(startOfDealerDay(new Date('2026-12-15T10:00:00Z'), 'Europe/Prague').toISOString()).toBe('2026-12-14T23:00:00.000Z');
    expect((await quotesOpened(em(), null, admin, new Date('2031-03-01T13:00:00Z'))).since.toISOString()).toBe('2031-02-28T23:00:00.000Z');
  });
});
