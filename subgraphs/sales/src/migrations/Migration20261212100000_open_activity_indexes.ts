import { Migration } from '@mikro-orm/migrations';

/**
 * Indexes of the open activities (`completed_at is null`), for Query.activities(filter: { done: false }), a rep's open
 * tasks: by owner and due date, by due date (DUE_SOONEST) and newest first (NEWEST_FIRST). Without them each page and
 * each count read every activity, or with `ownerIds: [me]` every past activity of the rep, for the few open ones.
 */
export class Migration20261212100000_open_activity_indexes extends Migration {
  override name = 'Migration20261212100000_open_activity_indexes';

  override up(): void | Promise<void> {
    this.addSql(`create index "sales_activity_open_owner_id_due_at_id_index" on "sales_activity" ("owner_id", "due_at", "id") where "completed_at" is null;`);
    this.addSql(`create index "sales_activity_open_due_at_id_index" on "sales_activity" ("due_at", "id") where "completed_at" is null;`);
    this.addSql(`create index "sales_activity_open_created_at_id_index" on "sales_activity" ("created_at", "id") where "completed_at" is null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "sales_activity_open_owner_id_due_at_id_index";`);
    this.addSql(`drop index "sales_activity_open_due_at_id_index";`);
    this.addSql(`drop index "sales_activity_open_created_at_id_index";`);
  }
}
