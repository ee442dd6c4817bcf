import { Migration } from '@mikro-orm/migrations';

export class Migration20261125145353_initial extends Migration {
  override name = 'Migration20261125145353_initial';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "opportunity" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, "customer_id" uuid not null, "title" text not null, "stage" text not null, "amount" numeric(16,2) not null, "currency" char(3) not null, "owner_id" uuid null, "expected_close_date" date null, primary key ("id"));`,
    );
    this.addSql(`create index "opportunity_owner_id_index" on "opportunity" ("owner_id");`);
    this.addSql(`create index "opportunity_created_at_id_index" on "opportunity" ("created_at", "id");`);
    this.addSql(`create index "opportunity_customer_id_created_at_id_index" on "opportunity" ("customer_id", "created_at", "id");`);
  }
}
