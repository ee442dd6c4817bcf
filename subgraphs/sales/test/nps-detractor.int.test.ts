import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from '@jest/globals';
import { actingFor } from '@crm/kit/access/viewer.js';
import { catalogEvent } from '../../../tests/helpers/events.js';
import { deliver } from '../../../tests/helpers/integration.js';
import { Activity } from '../src/modules/activity/activity.entity.js';
import { npsDetractorTask } from '../src/modules/detractor/detractor.handlers.js';
import { createOpportunity } from '../src/modules/opportunity/opportunity.service.js';
import { CZK, newPipeline, useFreshSalesDatabase } from './database.js';

// NPS answers of 6 or less give the customer's rep a call-back task (NPS_DETRACTOR_FOLLOW_UP=task, the default);
// with `case`, service opens a case instead (subgraphs/service/test/nps-detractor.int.test.ts).

const { orm, em, write } = useFreshSalesDatabase();
afterEach(() => {
  delete process.env.NPS_DETRACTOR_FOLLOW_UP;
  delete process.env.SALES_LEAD_QUEUE_OWNER_ID;
});

const answered = (customerId: string, score: number, surveyResponseId = randomUUID()) =>
  catalogEvent('SurveyAnswered', surveyResponseId, {
    surveyResponseId,
    customerId,
    score,
    category: score <= 6 ? 'DETRACTOR' : score <= 8 ? 'PASSIVE' : 'PROMOTER',
    interactionId: randomUUID(),
  });
const tasksOf = (customerId: string) => em().find(Activity, { customerId });

describe('an NPS detractor', () => {
  it("gives the customer's rep a call-back task, once however often the answer is delivered", async () => {
    const pipeline = await write((em) => newPipeline(em, `Cars ${randomUUID()}`));
    const [rep, customerId] = [randomUUID(), randomUUID()];
    const deal = await write((em) =>
      createOpportunity(em, { customerId, title: 'Kodiaq', pipelineId: pipeline.id, amount: CZK('1'), ownerId: rep }, actingFor(randomUUID())),
    );
    const zero = answered(customerId, 0);
    expect(await deliver(orm(), npsDetractorTask, zero)).toBe(true);
    const [task, ...more] = await tasksOf(customerId);
    expect(more).toEqual([]);
    expect(task).toMatchObject({
      type: 'TASK',
      subject: 'Call back an unhappy customer (NPS 0)',
      ownerId: rep,
      opportunityId: deal.id,
      notes: expect.stringContaining(`survey answer ${zero.payload.surveyResponseId}`),
      completedAt: null,
    });
    expect(task!.dueAt!.getTime() - new Date(zero.occurredAt).getTime()).toBe(24 * 3600_000);

    // At least once: the same answer again, even as another event, plans nothing more.
    await deliver(orm(), npsDetractorTask, zero);
    await deliver(orm(), npsDetractorTask, { ...zero, id: randomUUID() });
    expect(await tasksOf(customerId)).toHaveLength(1);
  });

  it("goes to the default queue's manager when the customer has no rep, and to nobody without one", async () => {
    const manager = randomUUID();
    process.env.SALES_LEAD_QUEUE_OWNER_ID = manager;
    const known = randomUUID();
    await deliver(orm(), npsDetractorTask, answered(known, 6));
    expect((await tasksOf(known)).map((t) => [t.ownerId, t.opportunityId])).toEqual([[manager, null]]);
    delete process.env.SALES_LEAD_QUEUE_OWNER_ID;
    const nobody = randomUUID();
    await deliver(orm(), npsDetractorTask, answered(nobody, 2));
    expect((await tasksOf(nobody)).map((t) => t.ownerId)).toEqual([null]);
  });

  it('leaves passives and promoters alone, and the follow-up to service when NPS_DETRACTOR_FOLLOW_UP=case', async () => {
    const customerId = randomUUID();
    expect(await deliver(orm(), npsDetractorTask, answered(customerId, 7))).toBe(false);
    expect(await deliver(orm(), npsDetractorTask, answered(customerId, 10))).toBe(false);
    process.env.NPS_DETRACTOR_FOLLOW_UP = 'case';
    expect(await deliver(orm(), npsDetractorTask, answered(customerId, 0))).toBe(false);
    expect(await tasksOf(customerId)).toEqual([]);
  });
});
