import { Migration } from '@mikro-orm/migrations';

export class Migration20261125155346_activity_due extends Migration {
  override name = 'Migration20261125155346_activity_due';

  override up(): void | Promise<void> {
    this.addSql(`alter table "sales_activity" add "due_notified_at" timestamptz null;`);
    this.addSql(
      `create index "sales_activity_pending_due_index" on "sales_activity" ((coalesce("reminder_at", "due_at"))) where "completed_at" is null and "due_notified_at" is null;`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "sales_activity_pending_due_index";`);
    this.addSql(`alter table "sales_activity" drop column "due_notified_at";`);
  }
}
