import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { actingFor } from '@crm/kit/access/viewer.js';
import { outboxOf, refusal } from '../../../tests/helpers/integration.js';
import { Activity, SalesActivityType } from '../src/modules/activity/activity.entity.js';
import { createActivity } from '../src/modules/activity/activity.service.js';
import { StageChange } from '../src/modules/opportunity/stage-change.entity.js';
import type { UpsertOpportunityInput } from '../src/modules/opportunity/opportunity-upsert.inputs.js';
import { upsertOpportunities } from '../src/modules/opportunity/opportunity-upsert.service.js';
import { createOpportunity, getOpportunity, moveOpportunity } from '../src/modules/opportunity/opportunity.service.js';
import { stagesOf } from '../src/modules/pipeline/pipeline.service.js';
import { CZK, newPipeline, salesRep, useFreshSalesDatabase } from './database.js';

const { orm, em, write } = useFreshSalesDatabase();

const admin = actingFor(randomUUID());
const DAY = 24 * 3600_000;

async function pipeline(name: string) {
  const created = await write((em) => newPipeline(em, name));
  const [inquiry, offer, won, lost] = await stagesOf(em(), created.id);
  return { id: created.id, inquiry: inquiry!, offer: offer!, won: won!, lost: lost! };
}

const deal = (externalId: string, extra: Partial<UpsertOpportunityInput> = {}) =>
  ({ sourceSystem: 'dms', externalId, customerId: randomUUID(), title: 'Octavia Combi', amount: CZK('650000'), ...extra }) as UpsertOpportunityInput;

/** An event's payload without what differs between two opportunities (ids, names). */
const shape = (payload: Record<string, unknown>) => Object.keys(payload).sort();

describe('upsertOpportunities', () => {
  it("creates a rep's deal as theirs in the named stage, with the events and history createOpportunity writes", async () => {
    const stages = await pipeline('Upsert create');
    const rep = salesRep(randomUUID());
    const key = randomUUID();
    const answer = await write((em) => upsertOpportunities(em, [deal(key, { pipelineId: stages.id, stage: 'offer', expectedCloseDate: '2027-03-31' })], rep));
    expect(answer).toMatchObject({ created: 1, updated: 0, unchanged: 0, items: [{ index: 0, outcome: 'CREATED' }] });
    const id = answer.items[0]!.id;
    expect(await getOpportunity(em(), id)).toMatchObject({
      ownerId: rep.id,
      stageId: stages.offer.id,
      status: 'OPEN',
      amount: '650000.00',
      currency: 'CZK',
      expectedCloseDate: '2027-03-31',
      sourceSystem: 'dms',
      externalId: key,
      version: 1,
    });
    expect(await em().find(StageChange, { opportunityId: id })).toMatchObject([{ fromStageId: null, toStageId: stages.offer.id, changedBy: rep.id }]);

    // The same event as the single mutation's, field for field.
    const single = await write((em) =>
      createOpportunity(em, { customerId: randomUUID(), pipelineId: stages.id, stage: 'Offer', title: 'Single', amount: CZK('1') }, rep),
    );
    const [created] = await outboxOf(orm(), id);
    const [singleCreated] = await outboxOf(orm(), single.id);
    expect(created).toMatchObject({ type: 'OpportunityCreated', payload: { stageName: 'Offer', marker: 'FIRST_OFFER_SENT', amount: CZK('650000.00') } });
    expect(shape(created!.payload)).toEqual(shape(singleCreated!.payload));
  });

  it('answers UNCHANGED for what it holds already; a changed amount and a WON stage update it as moveOpportunity would, closing its follow-ups', async () => {
    const stages = await pipeline('Upsert update');
    const key = randomUUID();
    const item = deal(key, { pipelineId: stages.id });
    const { id } = (await write((em) => upsertOpportunities(em, [item], admin))).items[0]!;
    const call = await write((em) =>
      createActivity(em, { type: SalesActivityType.CALL, subject: 'Call about the offer', opportunityId: id, dueAt: new Date(Date.now() + 3 * DAY) }),
    );

    expect(await write((em) => upsertOpportunities(em, [item], admin))).toMatchObject({ unchanged: 1, items: [{ id, outcome: 'UNCHANGED' }] });
    const { pipelineId: _samePipeline, ...rest } = item;
    const again = await write((em) => upsertOpportunities(em, [{ ...rest, amount: CZK('640000'), stageId: stages.won.id, probability: 95 }], admin));
    expect(again).toMatchObject({ updated: 1, items: [{ id, outcome: 'UPDATED' }] });

    const after = await getOpportunity(em(), id);
    expect(after).toMatchObject({ amount: '640000.00', probabilityOverride: 95, stageId: stages.won.id, status: 'WON', version: 2 });
    const events = await outboxOf(orm(), id);
    expect(events.map((e) => e.type)).toEqual(['OpportunityCreated', 'OpportunityChanged', 'OpportunityStageChanged', 'OpportunityWon']);
    expect(events[1]!.payload).toMatchObject({ changedFields: ['amount', 'probabilityOverride'], values: { amount: '640000.00', probabilityOverride: 95 } });
    expect(events[2]!.payload).toMatchObject({ fromStageId: stages.inquiry.id, toStageId: stages.won.id, changedBy: admin.id, status: 'WON' });
    expect(events[3]!.payload).toMatchObject({ aggregateVersion: 2, acceptedQuote: null });
    expect(await em().find(StageChange, { opportunityId: id }, { orderBy: { createdAt: 'asc' } })).toHaveLength(2);
    expect(await em().findOneOrFail(Activity, { id: call.id })).toMatchObject({ completedAt: expect.any(Date) });

    // An upsert's version is the one moveOpportunity expects next.
    await expect(write((em) => moveOpportunity(em, id, after.version, stages.lost.id, admin))).resolves.toMatchObject({ status: 'LOST', version: 3 });
  });

  it('refuses every bad item at once (another team, a new deal without amount, a customer or pipeline change, a stage elsewhere, a repeat) and writes nothing', async () => {
    const stages = await pipeline('Upsert refusals');
    const other = await pipeline('Upsert elsewhere');
    const owner = salesRep(randomUUID());
    const theirs = deal(randomUUID(), { pipelineId: stages.id });
    const mine = deal(randomUUID(), { pipelineId: stages.id });
    const rep = salesRep(randomUUID());
    await write((em) => upsertOpportunities(em, [theirs], owner));
    await write((em) => upsertOpportunities(em, [mine], rep));

    const fresh = deal(randomUUID(), { pipelineId: stages.id });
    const bad = await refusal(
      write((em) =>
        upsertOpportunities(
          em,
          [
            fresh,
            { ...theirs, title: 'Mine now' },
            { ...deal(randomUUID()), amount: undefined },
            { ...mine, customerId: randomUUID() },
            { ...mine, externalId: `${mine.externalId} ` },
            deal(randomUUID(), { pipelineId: stages.id, stageId: other.won.id }),
            { ...fresh, title: 'Twice' },
          ],
          rep,
        ),
      ),
    );
    expect(bad.code).toBe('BAD_USER_INPUT');
    expect(bad.extensions.items).toEqual([
      { index: 1, field: 'externalId', message: expect.stringContaining('outside your teams') },
      { index: 2, field: 'amount', message: 'amount is needed to create an opportunity' },
      { index: 3, field: 'customerId', message: expect.stringContaining('its customer never changes') },
      { index: 4, field: 'externalId', message: expect.stringContaining('sourceSystem and externalId') },
      { index: 5, field: 'stageId', message: expect.stringContaining('is not a stage of pipeline "Upsert refusals"') },
      { index: 6, field: 'externalId', message: expect.stringContaining('sourceSystem and externalId') },
    ]);
    // Nothing of the call was written: the valid new deal is still new.
    expect((await write((em) => upsertOpportunities(em, [fresh], rep))).items[0]!.outcome).toBe('CREATED');
    const pipelineChange = await refusal(write((em) => upsertOpportunities(em, [{ ...mine, pipelineId: other.id }], rep)));
    expect(pipelineChange.extensions.items).toEqual([{ index: 0, field: 'pipelineId', message: expect.stringContaining('its pipeline never changes') }]);
  });
});
