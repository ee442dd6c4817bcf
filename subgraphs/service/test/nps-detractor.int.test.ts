import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from '@jest/globals';
import { catalogEvent } from '../../../tests/helpers/events.js';
import { deliver } from '../../../tests/helpers/integration.js';
import { createCaseAssignmentRule } from '../src/modules/assignment/assignment.service.js';
import { Case } from '../src/modules/case/case.entity.js';
import { CaseLine } from '../src/modules/case/case.enums.js';
import { npsDetractorCase } from '../src/modules/detractor/detractor.handlers.js';
import { em, orm, useFreshServiceDatabase, write } from './database.js';

// With NPS_DETRACTOR_FOLLOW_UP=case an NPS answer of 6 or less opens a complaint case, assigned by the rules; by
// default sales plans a call-back task instead (subgraphs/sales/test/nps-detractor.int.test.ts).

useFreshServiceDatabase();
afterEach(() => {
  delete process.env.NPS_DETRACTOR_FOLLOW_UP;
});

const answered = (customerId: string, score: number, surveyResponseId = randomUUID()) =>
  catalogEvent('SurveyAnswered', surveyResponseId, { surveyResponseId, customerId, score, category: 'DETRACTOR', interactionId: randomUUID() });
const casesOf = (customerId: string) => em().find(Case, { customerId });

describe('an NPS detractor with NPS_DETRACTOR_FOLLOW_UP=case', () => {
  it('gets a complaint case for an agent, once however often the answer is delivered', async () => {
    process.env.NPS_DETRACTOR_FOLLOW_UP = 'case';
    const agent = randomUUID();
    await write((em) => createCaseAssignmentRule(em, { name: 'First line', line: CaseLine.FIRST, agentIds: [agent] }));
    const customerId = randomUUID();
    const three = answered(customerId, 3);
    expect(await deliver(orm(), npsDetractorCase, three)).toBe(true);
    await deliver(orm(), npsDetractorCase, three);
    await deliver(orm(), npsDetractorCase, { ...three, id: randomUUID() });
    const cases = await casesOf(customerId);
    expect(cases).toHaveLength(1);
    expect(cases[0]).toMatchObject({
      subject: 'Unhappy customer: NPS 3',
      description: expect.stringContaining(`survey answer ${three.payload.surveyResponseId}`),
      category: 'COMPLAINT',
      priority: 'HIGH',
      line: 'FIRST',
      status: 'NEW',
      assigneeId: agent,
    });
    await deliver(orm(), npsDetractorCase, answered(customerId, 5));
    expect((await casesOf(customerId)).map((c) => c.priority).sort()).toEqual(['HIGH', 'NORMAL']);
  });

  it('opens nothing for a passive, nor by default (sales plans a task then)', async () => {
    const customerId = randomUUID();
    process.env.NPS_DETRACTOR_FOLLOW_UP = 'case';
    expect(await deliver(orm(), npsDetractorCase, answered(customerId, 7))).toBe(false);
    delete process.env.NPS_DETRACTOR_FOLLOW_UP;
    expect(await deliver(orm(), npsDetractorCase, answered(customerId, 0))).toBe(false);
    expect(await casesOf(customerId)).toEqual([]);
  });
});
