import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { actingFor } from '@crm/kit/access/viewer.js';
import { outboxTypes, refusal } from '../../../tests/helpers/integration.js';
import { UNKNOWN_ID } from '../../../tests/helpers/subgraph-database.js';
import { archiveOpportunity, createOpportunity } from '../src/modules/opportunity/opportunity.service.js';
import { StageMarker } from '../src/modules/pipeline/pipeline.entity.js';
import { addStage, createPipeline, renameStage, reorderStages, stagesOf } from '../src/modules/pipeline/pipeline.service.js';
import { pipelineSummary, type PipelineSummary } from '../src/modules/pipeline/pipeline.summary.js';
import { CZK, newPipeline, useFreshSalesDatabase } from './database.js';

const { orm, em, write } = useFreshSalesDatabase();

const admin = actingFor(randomUUID());

describe('pipeline stages', () => {
  it('configures stages by data: create, add, rename, reorder, with validation and CONFLICT on a stale pipeline', async () => {
    const pipeline = await write((em) => newPipeline(em, 'Used cars'));
    expect((await stagesOf(em(), pipeline.id)).map((s) => [s.name, s.position, s.probability])).toEqual([
      ['Inquiry', 0, 10],
      ['Offer', 1, 50],
      ['Won', 2, 100],
      ['Lost', 3, 0],
    ]);
    const stage = { name: 'Test drive', probability: 30, isWon: false, isLost: false, marker: StageMarker.TEST_DRIVE };
    const added = await write((em) => addStage(em, pipeline.id, pipeline.version, { ...stage, position: 1 }));
    expect(added.version).toBe(pipeline.version + 1);
    const stages = await stagesOf(em(), pipeline.id);
    expect(stages.map((s) => s.name)).toEqual(['Inquiry', 'Test drive', 'Offer', 'Won', 'Lost']);
    const stale = await refusal(write((em) => addStage(em, pipeline.id, pipeline.version, { name: 'Other', probability: 5, isWon: false, isLost: false })));
    expect(stale.code).toBe('CONFLICT');

    const offer = stages[2]!;
    const renamed = await write((em) => renameStage(em, offer.id, offer.version, 'First offer sent'));
    expect(renamed).toMatchObject({ name: 'First offer sent', marker: 'FIRST_OFFER_SENT' });
    const duplicate = await refusal(write((em) => renameStage(em, offer.id, renamed.version, 'inquiry')));
    expect(duplicate.code).toBe('BAD_USER_INPUT');
    expect(duplicate.message).toMatch(/unique/);

    const reversed = stages.map((s) => s.id).reverse();
    const reordered = await write((em) => reorderStages(em, pipeline.id, added.version, reversed));
    expect((await stagesOf(em(), pipeline.id)).map((s) => s.id)).toEqual(reversed);
    const partial = await refusal(write((em) => reorderStages(em, pipeline.id, reordered.version, reversed.slice(1))));
    expect(partial).toMatchObject({ code: 'BAD_USER_INPUT', message: 'stageIds must list every stage of the pipeline exactly once' });
    expect(await outboxTypes(orm(), pipeline.id)).toEqual(['PipelineCreated', 'PipelineStagesChanged', 'PipelineStagesChanged', 'PipelineStagesChanged']);

    const both = await refusal(
      write((em) => createPipeline(em, { name: 'Odd', isDefault: false, stages: [{ name: 'Both', probability: 50, isWon: true, isLost: true }] })),
    );
    expect(both).toMatchObject({ code: 'BAD_USER_INPUT', message: 'Stage "Both" cannot be both won and lost' });
  });
});

describe('pipelineSummary', () => {
  it('sums count, value and weighted value per stage and in total, exactly, for an owner or a team', async () => {
    const customerId = randomUUID();
    const pipeline = await write((em) => newPipeline(em, 'Summary'));
    const [inquiry, offer, won] = await stagesOf(em(), pipeline.id);
    const [repA, repB] = [randomUUID(), randomUUID()];
    const open = (amount: string, extra: Record<string, unknown> = {}) =>
      write((em) => createOpportunity(em, { customerId, pipelineId: pipeline.id, title: `Deal ${amount}`, amount: CZK(amount), ...extra }, admin));
    await open('1000.10', { ownerId: repA });
    await open('2000.05', { ownerId: repB });
    await open('333.33', { ownerId: repA, stageId: offer!.id });
    await open('100.00', { ownerId: repB, stageId: offer!.id, probability: 25 });
    await open('500.00', { ownerId: repA, stageId: won!.id });
    await open('9.99', { ownerId: repA, amount: { amount: '9.99', currency: 'EUR' } });
    const archivedDeal = await open('7777.00', { ownerId: repA });
    await write((em) => archiveOpportunity(em, archivedDeal.id, archivedDeal.version, admin));

    const rows = (summary: PipelineSummary) => summary.stages.map((s) => [s.stage.name, s.count, s.value.amount, s.weightedValue.amount]);
    const all = await pipelineSummary(em(), pipeline.id, 'CZK', [], admin);
    expect(rows(all)).toEqual([
      [inquiry!.name, 2, '3000.15', '300.02'],
      ['Offer', 2, '433.33', '191.67'],
      ['Won', 1, '500.00', '500.00'],
      ['Lost', 0, '0.00', '0.00'],
    ]);
    expect([all.count, all.value, all.weightedValue.amount]).toEqual([5, { amount: '3933.48', currency: 'CZK' }, '991.68']);

    const mine = await pipelineSummary(em(), pipeline.id, 'CZK', [repA], admin);
    expect(rows(mine).slice(0, 3)).toEqual([
      [inquiry!.name, 1, '1000.10', '100.01'],
      ['Offer', 1, '333.33', '166.67'],
      ['Won', 1, '500.00', '500.00'],
    ]);
    expect([mine.count, mine.value.amount, mine.weightedValue.amount]).toEqual([3, '1833.43', '766.68']);
    expect((await pipelineSummary(em(), pipeline.id, 'CZK', [repA, repB], admin)).weightedValue.amount).toBe('991.68');
    const euro = await pipelineSummary(em(), pipeline.id, 'EUR', [], admin);
    expect([euro.count, euro.value.amount]).toEqual([1, '9.99']);

    expect((await refusal(pipelineSummary(em(), UNKNOWN_ID, 'CZK', [], admin))).code).toBe('NOT_FOUND');
    const currency = await refusal(pipelineSummary(em(), pipeline.id, 'euro', [], admin));
    expect(currency.code).toBe('BAD_USER_INPUT');
    expect(currency.message).toMatch(/ISO 4217/);
  });
});
