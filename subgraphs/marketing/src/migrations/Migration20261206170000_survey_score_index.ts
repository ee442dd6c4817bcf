import { Migration } from '@mikro-orm/migrations';

/**
 * Query.surveyResponses(filter: { category }) — the detractors to call back — and its NPS summary read the answers of
 * the category: `score between` had no index, so each page and each count read every answer (40,000 rows for 2,000
 * detractors among 20,000). By score, then in the list's order (newest first, walked backward).
 */
export class Migration20261206170000_survey_score_index extends Migration {
  override name = 'Migration20261206170000_survey_score_index';

  override up(): void | Promise<void> {
    this.addSql(`create index "survey_response_score_responded_at_id_index" on "survey_response" ("score", "responded_at", "id");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "survey_response_score_responded_at_id_index";`);
  }
}
