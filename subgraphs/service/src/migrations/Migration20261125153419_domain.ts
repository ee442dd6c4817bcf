import { Migration } from '@mikro-orm/migrations';

export class Migration20261125153419_domain extends Migration {
  override name = 'Migration20261125153419_domain';

  override up(): void | Promise<void> {
    this.addSql(`alter table "support_case" add "first_response_at_risk_notified_at" timestamptz null, add "resolution_at_risk_notified_at" timestamptz null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "support_case" drop column "first_response_at_risk_notified_at", drop column "resolution_at_risk_notified_at";`);
  }
}
