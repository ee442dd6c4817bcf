import { Migration } from '@mikro-orm/migrations';

/**
 * Query.cases(filter: { breachingBefore }) asks for unresolved cases by their deadlines. Every resolved case's
 * deadlines have passed too, so the due-date indexes over all cases narrowed nothing: the list read the whole history
 * for a page and again for its count. These index only the cases a deadline still concerns: the unresolved ones, and
 * for the first response those still waiting for it (casesAtRisk's condition lies within them too).
 */
export class Migration20261206162500_case_deadline_indexes extends Migration {
  override name = 'Migration20261206162500_case_deadline_indexes';

  override up(): void | Promise<void> {
    this.addSql(`create index "support_case_unresolved_resolution_due_index" on "support_case" ("resolution_due_at", "id") where "resolved_at" is null;`);
    this.addSql(
      `create index "support_case_unanswered_first_response_due_index" on "support_case" ("first_response_due_at", "id") where "resolved_at" is null and "first_responded_at" is null;`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "support_case_unanswered_first_response_due_index";`);
    this.addSql(`drop index "support_case_unresolved_resolution_due_index";`);
  }
}
