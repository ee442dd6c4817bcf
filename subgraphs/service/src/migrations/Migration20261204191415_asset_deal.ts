import { Migration } from '@mikro-orm/migrations';

/** An asset names the deal (opportunity) and the accepted quote that sold it; existing assets name none. */
export class Migration20261204191415_asset_deal extends Migration {
  override name = 'Migration20261204191415_asset_deal';

  override up(): void | Promise<void> {
    this.addSql(`alter table "asset" add "opportunity_id" uuid null, add "quote_id" uuid null;`);
    this.addSql(`create index "asset_opportunity_id_index" on "asset" ("opportunity_id");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "asset_opportunity_id_index";`);
    this.addSql(`alter table "asset" drop column "opportunity_id", drop column "quote_id";`);
  }
}
