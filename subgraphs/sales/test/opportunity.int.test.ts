import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { actingFor } from '@crm/kit/access/viewer.js';
import { deliver, outboxOf, published, refusal } from '../../../tests/helpers/integration.js';
import { UNKNOWN_ID } from '../../../tests/helpers/subgraph-database.js';
import { Activity } from '../src/modules/activity/activity.entity.js';
import { OpportunityStatus } from '../src/modules/opportunity/opportunity.entity.js';
import type { CreateOpportunityInput } from '../src/modules/opportunity/opportunity.inputs.js';
import { firstOfferFollowUp } from '../src/modules/opportunity/opportunity.handlers.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import { createGraphClient } from '@crm/kit/graph-client.js';
import { statementsSentBy } from '../../../tests/helpers/query-plan.js';
import {
  opportunitiesPage,
  opportunityPagesByCustomer,
  stageHistoryCounts,
  stageHistoryPages,
  type OpportunityNames,
} from '../src/modules/opportunity/opportunity.queries.js';
import { createPipelineLoaders } from '../src/modules/pipeline/pipeline.loaders.js';
import { keepNames, staffNameLoader } from '../src/modules/staff/staff-names.js';
import { archiveOpportunity, createOpportunity, getOpportunity, moveOpportunity, updateOpportunity } from '../src/modules/opportunity/opportunity.service.js';
import { Stage } from '../src/modules/pipeline/pipeline.entity.js';
import { getPipeline, getStage, resolvePipeline, stagesOf } from '../src/modules/pipeline/pipeline.service.js';
import { CZK, newPipeline, useFreshSalesDatabase } from './database.js';

const { orm, em, write } = useFreshSalesDatabase();

const DAY = 24 * 3600_000;
const admin = actingFor(randomUUID());

async function pipelineWithStages(name: string) {
  const pipeline = await write((em) => newPipeline(em, name));
  return { pipeline, stages: await stagesOf(em(), pipeline.id) };
}

/** A request's loaders of names, as the sales context makes them (identity, asked for a name sales lacks, is not running). */
const namesOf = (request: EntityManager): OpportunityNames => ({
  stageNameById: createPipelineLoaders(request).stageNameById,
  staffNameById: staffNameLoader(
    request,
    createGraphClient(() => 'http://127.0.0.1:9/graphql', 'test'),
  ),
});

const open = (input: Partial<CreateOpportunityInput> & Pick<CreateOpportunityInput, 'pipelineId'>, viewer = admin) =>
  write((em) => createOpportunity(em, { customerId: randomUUID(), title: 'Deal', amount: CZK('1000.00'), ...input }, viewer));

describe('moving an opportunity', () => {
  it('moves through stages with history, status from the stage flags, and events with the marker', async () => {
    const { pipeline, stages } = await pipelineWithStages('Moves');
    const [inquiry, offer, won] = stages;
    let opportunity = await open({ pipelineId: pipeline.id });
    expect(opportunity).toMatchObject({ stageId: inquiry!.id, status: 'OPEN', probabilityOverride: null });

    const manager = actingFor(randomUUID());
    opportunity = await write((em) => moveOpportunity(em, opportunity.id, opportunity.version, offer!.id, manager));
    expect(opportunity).toMatchObject({ stageId: offer!.id, status: 'OPEN' });
    opportunity = await write((em) => moveOpportunity(em, opportunity.id, opportunity.version, won!.id, admin));
    expect(opportunity.status).toBe('WON');

    const [history] = await stageHistoryPages(em(), [opportunity.id], { first: 10 });
    expect(await stageHistoryCounts(em(), [opportunity.id])).toEqual([3]);
    const nameOf = new Map(stages.map((s) => [s.id, s.name]));
    expect(history!.edges.map((e) => [e.node.fromStageId ? nameOf.get(e.node.fromStageId) : null, nameOf.get(e.node.toStageId), e.node.changedBy])).toEqual([
      [null, 'Inquiry', admin.id],
      ['Inquiry', 'Offer', manager.id],
      ['Offer', 'Won', admin.id],
    ]);
    const events = await outboxOf(orm(), opportunity.id);
    expect(events.map((e) => e.type)).toEqual(['OpportunityCreated', 'OpportunityStageChanged', 'OpportunityStageChanged', 'OpportunityWon']);
    expect(events[1]?.payload).toMatchObject({ fromStageId: inquiry!.id, toStageId: offer!.id, marker: 'FIRST_OFFER_SENT', changedBy: manager.id });

    const move = (stageId: string) => refusal(write((em) => moveOpportunity(em, opportunity.id, opportunity.version, stageId, admin)));
    const same = await move(won!.id);
    expect(same).toMatchObject({ code: 'CONFLICT', extensions: { field: 'stageId' } }); // where it is now, not the input
    expect(same.message).toMatch(/already in stage "Won"/);
    const [otherFirst] = await stagesOf(em(), (await write((em) => resolvePipeline(em))).id);
    const foreign = await move(otherFirst!.id);
    expect(foreign.code).toBe('BAD_USER_INPUT');
    expect(foreign.message).toMatch(/belongs to another pipeline/);
    expect(await move(UNKNOWN_ID)).toMatchObject({ code: 'NOT_FOUND', message: `Stage ${UNKNOWN_ID} does not exist` });
  });

  it('lets only the first of two reps editing one opportunity win; the second gets CONFLICT', async () => {
    const { pipeline, stages } = await pipelineWithStages('Race');
    const opportunity = await open({ pipelineId: pipeline.id, amount: CZK('5000.00') });
    const outcome = (change: Promise<unknown>) =>
      change.then(
        () => 'changed',
        async (error: unknown) => (await refusal(Promise.reject(error))).code,
      );
    const results = await Promise.all([
      outcome(write((em) => moveOpportunity(em, opportunity.id, opportunity.version, stages[1]!.id, admin))),
      outcome(write((em) => updateOpportunity(em, opportunity.id, opportunity.version, { title: 'Renamed by rep B' }, admin))),
    ]);
    expect([...results].sort()).toEqual(['CONFLICT', 'changed']);
    const now = await getOpportunity(em(), opportunity.id);
    expect(now.version).toBe(opportunity.version + 1);
    // Exactly one of the two changes is there.
    expect([now.stageId === stages[1]!.id, now.title === 'Renamed by rep B']).toEqual([results[0] === 'changed', results[1] === 'changed']);
    const stale = await refusal(write((em) => moveOpportunity(em, opportunity.id, opportunity.version, stages[3]!.id, admin)));
    expect(stale.code).toBe('CONFLICT');
    expect(stale.message).toMatch(/reload it and apply your change again/);
  });
});

describe('changing and listing opportunities', () => {
  it('updates with changedFields, overrides the probability, archives, and filters the list', async () => {
    const { pipeline, stages } = await pipelineWithStages('Updates');
    const owner = randomUUID();
    let opportunity = await open({ pipelineId: pipeline.id, amount: CZK('100.00') });
    opportunity = await write((em) =>
      updateOpportunity(
        em,
        opportunity.id,
        opportunity.version,
        { amount: CZK('250.5'), ownerId: owner, probability: 35, expectedCloseDate: '2027-02-01' },
        admin,
      ),
    );
    expect(opportunity).toMatchObject({ amount: '250.50', probabilityOverride: 35, expectedCloseDate: '2027-02-01', ownerId: owner });
    const changed = (await outboxOf(orm(), opportunity.id)).find((e) => e.type === 'OpportunityChanged');
    expect(changed?.payload.changedFields).toEqual(['amount', 'ownerId', 'expectedCloseDate', 'probabilityOverride']);
    opportunity = await write((em) => updateOpportunity(em, opportunity.id, opportunity.version, { probability: null }, admin));
    // Without an override the stage's probability applies again.
    expect(opportunity.probabilityOverride).toBeNull();
    expect((await getStage(em(), opportunity.stageId)).probability).toBe(10);
    const negative = await refusal(write((em) => updateOpportunity(em, opportunity.id, opportunity.version, { amount: CZK('-1') }, admin)));
    expect(negative).toMatchObject({ code: 'BAD_USER_INPUT', message: 'amount must not be negative' });

    const second = await open({ pipelineId: pipeline.id, amount: CZK('1.00'), ownerId: owner });
    await write((em) => moveOpportunity(em, second.id, second.version, stages[3]!.id, admin));
    const list = async (filter: Parameters<typeof opportunitiesPage>[1], page = {}) => {
      const request = em();
      return opportunitiesPage(request, filter, admin, page, namesOf(request));
    };
    const ids = (page: Awaited<ReturnType<typeof list>>) => page.edges.map((e) => e.node.id);
    expect(ids(await list({ pipelineId: pipeline.id, statuses: [OpportunityStatus.LOST], includeArchived: false }))).toEqual([second.id]);
    const byOwner = await list({ ownerIds: [owner], includeArchived: false }, { first: 1 });
    expect(await byOwner.count()).toBe(2);
    expect(byOwner.pageInfo.hasNextPage).toBe(true);
    expect(ids(await list({ ownerIds: [owner], includeArchived: false }, { first: 1, after: byOwner.pageInfo.endCursor }))).toEqual([opportunity.id]);
    expect(ids(await list({ stageIds: [stages[0]!.id], includeArchived: false }))).toEqual([opportunity.id]);

    const archived = await write((em) => archiveOpportunity(em, opportunity.id, opportunity.version, admin));
    expect(archived.archivedAt).toBeInstanceOf(Date);
    expect(await (await list({ pipelineId: pipeline.id, includeArchived: false })).count()).toBe(1);
    expect(await (await list({ pipelineId: pipeline.id, includeArchived: true })).count()).toBe(2);
    const frozen = await refusal(write((em) => moveOpportunity(em, opportunity.id, archived.version, stages[1]!.id, admin)));
    expect(frozen.code).toBe('CONFLICT');
    expect(frozen.message).toMatch(/archived/);
  });

  it('creates in the default pipeline first stage, or a stage by name; rejects unknown stages and ids', async () => {
    const customerId = randomUUID();
    const plain = await write((em) => createOpportunity(em, { customerId, title: 'Plain', amount: CZK('10') }, admin));
    expect((await getPipeline(em(), plain.pipelineId)).name).toBe('Car sales');
    expect(await getStage(em(), plain.stageId)).toMatchObject({ name: 'New inquiry', probability: 10, position: 0 });
    expect(plain.amount).toBe('10.00');
    const named = await write((em) => createOpportunity(em, { customerId, title: 'Named', stage: 'negotiation', amount: CZK('10') }, admin));
    expect(await getStage(em(), named.stageId)).toMatchObject({ name: 'Negotiation', probability: 70 });
    expect(named.pipelineId).toBe(plain.pipelineId);
    const missing = await refusal(write((em) => createOpportunity(em, { customerId, title: 'X', stage: 'Nope', amount: CZK('10') }, admin)));
    expect(missing).toMatchObject({ code: 'BAD_USER_INPUT', message: 'Pipeline "Car sales" has no stage named "Nope"' });
    expect((await refusal(write((em) => createOpportunity(em, { customerId, title: 'X', pipelineId: UNKNOWN_ID, amount: CZK('10') }, admin)))).code).toBe(
      'NOT_FOUND',
    );
    expect(await refusal(getOpportunity(em(), 'nope'))).toMatchObject({ code: 'BAD_USER_INPUT', message: '"nope" is not a valid Opportunity id' });
    expect(await em().count(Stage, { pipelineId: plain.pipelineId })).toBe(6);
  });
});

describe('the first-offer follow-up (DOMAIN Story 1 step 7)', () => {
  const callsOf = (opportunityId: string) => em().find(Activity, { opportunityId });

  it('plans the call at followUpAt when the first offer is sent, with every Opportunity* event carrying the snapshot', async () => {
    const { pipeline, stages } = await pipelineWithStages('First offer');
    const [inquiry, offer] = stages;
    const owner = randomUUID();
    const customerId = randomUUID();
    const opportunity = await open({ pipelineId: pipeline.id, customerId, title: 'Family SUV', amount: CZK('899900.00'), ownerId: owner });
    const past = await refusal(write((em) => moveOpportunity(em, opportunity.id, opportunity.version, offer!.id, admin, new Date(Date.now() - DAY))));
    expect(past).toMatchObject({ code: 'BAD_USER_INPUT', message: 'followUpAt must be in the future' });

    const followUpAt = new Date(Date.now() + 4 * DAY);
    followUpAt.setUTCHours(9, 0, 0, 0);
    const moved = await write((em) => moveOpportunity(em, opportunity.id, opportunity.version, offer!.id, admin, followUpAt));
    expect(moved.nextContactAt).toEqual(followUpAt);

    const events = await outboxOf(orm(), opportunity.id);
    expect(events.map((e) => e.type)).toEqual(['OpportunityCreated', 'OpportunityStageChanged']);
    expect(await deliver(orm(), firstOfferFollowUp, published('sales', events[0]!))).toBe(false);
    expect(await deliver(orm(), firstOfferFollowUp, published('sales', events[1]!))).toBe(true);
    // Delivered again (at least once), it plans nothing more: a call is planned already.
    await deliver(orm(), firstOfferFollowUp, published('sales', events[1]!));
    const calls = await callsOf(opportunity.id);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      type: 'CALL',
      dueAt: followUpAt,
      reminderAt: new Date(followUpAt.getTime() - 30 * 60_000),
      ownerId: owner,
      customerId,
      completedAt: null,
    });

    const snapshot = { opportunityId: opportunity.id, customerId, pipelineId: pipeline.id, ownerId: owner, status: 'OPEN', amount: CZK('899900.00') };
    expect(events[0]?.payload).toMatchObject({ ...snapshot, stageId: inquiry!.id, stageName: 'Inquiry', marker: null });
    expect(events[1]?.payload).toMatchObject({
      ...snapshot,
      stageId: offer!.id,
      stageName: 'Offer',
      marker: 'FIRST_OFFER_SENT',
      fromStageId: inquiry!.id,
      followUpAt: followUpAt.toISOString(),
    });
  });

  it("plans the call 3 days later at 10:00 on the dealer's clock when no date was agreed, for nobody when the deal has no owner", async () => {
    const { pipeline, stages } = await pipelineWithStages('Default call');
    const opportunity = await open({ pipelineId: pipeline.id, title: 'Estate car', amount: CZK('749900.00') });
    await write((em) => moveOpportunity(em, opportunity.id, opportunity.version, stages[1]!.id, admin));
    const [, moved] = await outboxOf(orm(), opportunity.id);
    expect(await deliver(orm(), firstOfferFollowUp, published('sales', moved!))).toBe(true);
    // Read on Prague's wall clock (DEALER_TIME_ZONE's default): the date three days on, at 10:00.
    const prague = (at: Date) => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Prague', dateStyle: 'short', timeStyle: 'short' }).format(at);
    const [year, month, day] = prague(moved!.occurredAt).slice(0, 10).split('-').map(Number);
    const expectedDay = new Date(Date.UTC(year!, month! - 1, day! + 3)).toISOString().slice(0, 10);
    const calls = await callsOf(opportunity.id);
    expect(calls.map((c) => [c.type, c.dueAt && prague(c.dueAt), c.ownerId])).toEqual([['CALL', `${expectedDay} 10:00`, null]]);
  });
});

describe("a page of a customer's deals", () => {
  it('reads their stages and owners names in its own statement: the fields asking for them send none', async () => {
    const { pipeline, stages } = await pipelineWithStages('Names beside');
    const [owner, unnamed] = [randomUUID(), randomUUID()];
    await write((em) => keepNames(em, [{ userId: owner, name: 'Tomáš Dvořák', active: true, userVersion: 1 }]));
    const customerId = randomUUID();
    const named = await open({ pipelineId: pipeline.id, customerId, ownerId: owner, title: 'Family SUV' });
    await write((em) => moveOpportunity(em, named.id, named.version, stages[2]!.id, admin));
    await open({ pipelineId: pipeline.id, customerId, ownerId: unnamed, title: 'Second car' });

    const request = em();
    const names = namesOf(request);
    const paged = await statementsSentBy(request, () => opportunityPagesByCustomer(request, [customerId], null, admin, { first: 5 }, names));
    expect(paged.sent).toHaveLength(1);
    const [page] = paged.result;
    expect(page!.edges.map((edge) => edge.node.title)).toEqual(['Second car', 'Family SUV']);

    const read = await statementsSentBy(request, () =>
      Promise.all([...page!.edges.map((edge) => names.stageNameById.load(edge.node.stageId)), names.staffNameById.load(owner)]),
    );
    expect(read.result).toEqual([stages[0]!.name, stages[2]!.name, 'Tomáš Dvořák']);
    expect(read.sent).toHaveLength(0);
    // An owner sales has no name for is left to the loader, which reads its copy and then asks identity (not running
    // here): nothing was primed for them.
    const unprimed = await statementsSentBy(request, () => names.staffNameById.load(unnamed).catch(() => null));
    expect(unprimed.sent.length).toBeGreaterThan(0);
  });
});
