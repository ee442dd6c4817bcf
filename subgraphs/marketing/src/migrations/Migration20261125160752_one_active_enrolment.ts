import { Migration } from '@mikro-orm/migrations';

export class Migration20261125160752_one_active_enrolment extends Migration {
  override name = 'Migration20261125160752_one_active_enrolment';

  override up(): void | Promise<void> {
    this.addSql(`create unique index "sequence_enrolment_one_active_index" on "sequence_enrolment" ("sequence_id", "customer_id") where "status" = 'ACTIVE';`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "sequence_enrolment_one_active_index";`);
  }
}
