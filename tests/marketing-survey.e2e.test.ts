import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AnswerSurveyDocument, CreateCustomerDocument, CustomerTimelineDocument, NpsSummaryDocument, SurveyResponsesDocument } from './generated/graphql.js';
import { errorCodes, execute, executeOk } from './helpers/graphql.js';
import { startPlatform, type Platform } from './helpers/platform.js';

// NPS surveys through the gateway: answers as clients read them, a score the API refuses, the summary and the list, and
// the answers on identity's Customer's timeline. The scoring and the lists are tested on marketing's own database
// (subgraphs/marketing/test/survey.int.test.ts).

let platform: Platform;
beforeAll(async () => {
  platform = await startPlatform();
});
afterAll(() => platform.stop());

const gql = <R, V>(document: Parameters<typeof executeOk<R, V>>[1], variables: V) => executeOk(platform.gatewayUrl, document, variables);

describe('NPS surveys through the gateway', () => {
  it('records answers, refuses a score of 11, summarises them and shows them on the timeline', async () => {
    const { createCustomer } = await gql(CreateCustomerDocument, {
      input: { kind: 'PERSON', firstName: 'Respondent', lastName: 'Survey', emails: [], phones: [] },
    });
    const customerId = createCustomer.id;
    const since = new Date().toISOString();
    for (const score of [10, 8, 3]) {
      const { answerSurvey } = await gql(AnswerSurveyDocument, { input: { customerId, score, channel: 'EMAIL', comment: `Scored ${score}` } });
      expect(answerSurvey).toMatchObject({ score, comment: `Scored ${score}`, channel: 'EMAIL', customer: { id: customerId } });
    }
    const eleven = await execute(platform.gatewayUrl, AnswerSurveyDocument, { input: { customerId, score: 11, channel: 'EMAIL' } });
    expect(errorCodes(eleven)).toEqual(['BAD_USER_INPUT']);
    expect(eleven.errors?.[0]?.message).toContain('between 0 and 10');

    const { npsSummary } = await gql(NpsSummaryDocument, { filter: { customerId, since } });
    expect(npsSummary).toEqual({ responses: 3, promoters: 1, passives: 1, detractors: 1, nps: 0 });
    const detractors = await gql(SurveyResponsesDocument, { first: 10, filter: { customerId, category: 'DETRACTOR' } });
    expect(detractors.surveyResponses).toMatchObject({ totalCount: 1, edges: [{ node: { score: 3 } }] });
    const timeline = await gql(CustomerTimelineDocument, { id: customerId, first: 10, filter: { types: ['SURVEY_RESPONSE'] } });
    expect(timeline.customer.interactions?.totalCount).toBe(3);
  });
});
