import { Migration } from '@mikro-orm/migrations';

/** Leads a partner upserts in bulk (issue 13, point 5) are known by the partner's key: its system and its id there. */
export class Migration20261204220600_lead_external_keys extends Migration {
  override name = 'Migration20261204220600_lead_external_keys';

  override up(): void | Promise<void> {
    this.addSql(`alter table "sales_lead" add "source_system" text null, add "external_id" text null;`);
    this.addSql(`alter table "sales_lead" add constraint "sales_lead_source_system_external_id_unique" unique ("source_system", "external_id");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "sales_lead" drop constraint "sales_lead_source_system_external_id_unique";`);
    this.addSql(`alter table "sales_lead" drop column "source_system", drop column "external_id";`);
  }
}
