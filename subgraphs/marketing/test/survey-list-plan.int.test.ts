import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { planOf, rowsReadBy, statementsSentBy } from '../../../tests/helpers/query-plan.js';
import { InteractionChannel } from '../src/modules/interaction/interaction.entity.js';
import { SurveyScoreCategory } from '../src/modules/survey/survey.inputs.js';
import { surveyResponsesPage } from '../src/modules/survey/survey.queries.js';
import { answerSurvey } from '../src/modules/survey/survey.service.js';
import { useFreshMarketingDatabase } from './database.js';

// Query.surveyResponses(filter: { category }) — the detractors to call back — on a dealer's NPS answers. `score between`
// had no index: each page and each count read every answer (40,000 rows for 2,000 detractors among 20,000). A page
// and its count read about the answers of the category.

const { orm, em, write } = useFreshMarketingDatabase();
const RESPONSES = 20_000;
/** 1 in 10 answers is a detractor's (0–6), 3 in 10 a passive's (7–8), the rest a promoter's (9–10). */
const DETRACTORS = RESPONSES / 10;
const PASSIVES = (RESPONSES * 3) / 10;
const PAGE = 20;

beforeAll(async () => {
  // No statistics until the tests gather them: autovacuum must not analyze the table while they look at the plans.
  await em().getConnection().execute('alter table survey_response set (autovacuum_enabled = false)');
  // One answer made by the service, copied in SQL: a dealer's answers in a second rather than minutes.
  const template = await write((em) => answerSurvey(em, { customerId: randomUUID(), score: 10, channel: InteractionChannel.EMAIL, comment: 'Great' }));
  // Newest first by n, one answer a minute; the categories interleaved over the whole time.
  await em()
    .getConnection()
    .execute(
      `insert into survey_response
     select copy.* from survey_response r, generate_series(1, ?) n,
       lateral (select case when n % 10 = 0 then (n / 10) % 7 when n % 10 < 4 then 7 + n % 2 else 9 + n % 2 end as answer) scored,
       lateral jsonb_populate_record(null::survey_response, to_jsonb(r) || jsonb_build_object(
         'id', gen_random_uuid(), 'customer_id', gen_random_uuid(), 'score', answer, 'responded_at', now() - n * interval '1 minute')) copy
     where r.id = ?`,
      [RESPONSES, template.id],
    );
  await em().getConnection().execute('delete from survey_response where id = ?', [template.id]);
}, 120_000);

/** The first page of Query.surveyResponses for a category and its totalCount, and what their statements read (EXPLAIN ANALYZE, rolled back). */
async function listCategory(category: SurveyScoreCategory): Promise<{ ids: string[]; total: number; rowsRead: number }> {
  const { result, sent } = await statementsSentBy(em(), async () => {
    const page = await surveyResponsesPage(em(), { category }, { first: PAGE });
    return { ids: page.edges.map((edge) => edge.node.id), total: await page.count() };
  });
  expect(sent).toHaveLength(2); // the page, then its count
  let rowsRead = 0;
  for (const { sql, params } of sent) rowsRead += rowsReadBy(await planOf(orm(), sql, params));
  return { ...result, rowsRead };
}

/** The answers scored from `low` to `high` as plain SQL says: the first page's ids, newest first, and how many. */
async function answersScored(low: number, high: number): Promise<{ ids: string[]; total: number }> {
  const rows = await em()
    .getConnection()
    .execute<Array<{ id: string }>>('select id from survey_response where score >= ? and score <= ? order by responded_at desc, id desc', [low, high]);
  return { ids: rows.slice(0, PAGE).map((row) => row.id), total: rows.length };
}

describe("the survey answers' category filter on a dealer's NPS answers", () => {
  beforeAll(() => em().getConnection().execute('analyze survey_response'));

  it('lists the detractors newest first reading about their answers, not every answer', async () => {
    const { ids, total, rowsRead } = await listCategory(SurveyScoreCategory.DETRACTOR);
    expect({ ids, total }).toEqual(await answersScored(0, 6));
    expect(total).toBe(DETRACTORS);
    expect(ids).toHaveLength(PAGE);
    // At most an index entry and a row per detractor for the page and again for the count (8,000), not every answer
    // for each (40,000).
    expect(rowsRead).toBeLessThan(RESPONSES / 2);
  });

  it('lists the passives newest first, counting them right', async () => {
    const { ids, total } = await listCategory(SurveyScoreCategory.PASSIVE);
    expect({ ids, total }).toEqual(await answersScored(7, 8));
    expect(total).toBe(PASSIVES);
  });
});
