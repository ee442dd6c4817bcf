import { Migration } from '@mikro-orm/migrations';

/** What a web-form submission said, so a reused submissionId with other data is refused. */
export class Migration20261203093000_lead_submission_hash extends Migration {
  override name = 'Migration20261203093000_lead_submission_hash';

  override up(): void | Promise<void> {
    this.addSql(`alter table "sales_lead" add "submission_hash" text null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "sales_lead" drop column "submission_hash";`);
  }
}
