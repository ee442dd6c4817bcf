import { Migration } from '@mikro-orm/migrations';

/** caseQueue (issue 13) counts the open cases by line and priority. */
export class Migration20261204220200_case_queue_index extends Migration {
  override name = 'Migration20261204220200_case_queue_index';

  override up(): void | Promise<void> {
    this.addSql(`create index "support_case_status_line_priority_index" on "support_case" ("status", "line", "priority");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "support_case_status_line_priority_index";`);
  }
}
