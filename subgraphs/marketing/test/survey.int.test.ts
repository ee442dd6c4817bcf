import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { refusal } from '../../../tests/helpers/integration.js';
import { InteractionChannel as C, InteractionType as T } from '../src/modules/interaction/interaction.entity.js';
import { timelineCounts } from '../src/modules/interaction/interaction.queries.js';
import { SurveyScoreCategory } from '../src/modules/survey/survey.inputs.js';
import { npsSummary, surveyResponsesPage } from '../src/modules/survey/survey.queries.js';
import { answerSurvey } from '../src/modules/survey/survey.service.js';
import { useFreshMarketingDatabase } from './database.js';

// NPS surveys on marketing's own database. Through the gateway: tests/marketing-survey.e2e.test.ts.

const { em, write } = useFreshMarketingDatabase();

async function surveyEvents(): Promise<number> {
  const [row] = await em().execute<Array<{ n: string }>>("select count(*) as n from outbox_event where type = 'SurveyAnswered'");
  return Number(row?.n);
}

describe('NPS surveys', () => {
  it('records answers, rejects a score of 11, summarises the NPS and lists answers by time', async () => {
    const customerId = randomUUID();
    const since = new Date();
    for (const score of [10, 9, 8, 3]) {
      await write((em) => answerSurvey(em, { customerId, score, channel: C.EMAIL, comment: `Scored ${score}` }));
    }
    const eleven = await refusal(write((em) => answerSurvey(em, { customerId, score: 11, channel: C.EMAIL })));
    expect(eleven.code).toBe('BAD_USER_INPUT');
    expect(eleven.message).toContain('between 0 and 10');

    expect(await npsSummary(em(), { customerId, since })).toEqual({ responses: 4, promoters: 2, passives: 1, detractors: 1, nps: 25 });
    expect(await surveyEvents()).toBe(4);

    const detractors = await surveyResponsesPage(em(), { customerId, category: SurveyScoreCategory.DETRACTOR }, { first: 10 });
    expect(detractors.edges.map((e) => e.node.score)).toEqual([3]);
    const page1 = await surveyResponsesPage(em(), { customerId }, { first: 3 });
    expect(await page1.count()).toBe(4);
    expect(page1.edges.map((e) => e.node.score)).toEqual([3, 8, 9]);
    const page2 = await surveyResponsesPage(em(), { customerId }, { first: 3, after: page1.pageInfo.endCursor });
    expect(page2.edges.map((e) => e.node.score)).toEqual([10]);

    // Each answer is on the customer's timeline too.
    expect(await timelineCounts(em(), [customerId], { types: [T.SURVEY_RESPONSE] })).toEqual([4]);
  });
});
