import { Migration } from '@mikro-orm/migrations';

/** Opportunities a partner upserts in bulk are known by the partner's key: its system and its id there. */
export class Migration20261205130000_opportunity_external_keys extends Migration {
  override name = 'Migration20261205130000_opportunity_external_keys';

  override up(): void | Promise<void> {
    this.addSql(`alter table "opportunity" add "source_system" text null, add "external_id" text null;`);
    this.addSql(`alter table "opportunity" add constraint "opportunity_source_system_external_id_unique" unique ("source_system", "external_id");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "opportunity" drop constraint "opportunity_source_system_external_id_unique";`);
    this.addSql(`alter table "opportunity" drop column "source_system", drop column "external_id";`);
  }
}
