import { Migration } from '@mikro-orm/migrations';

export class Migration20261125145359_initial extends Migration {
  override name = 'Migration20261125145359_initial';

  override up(): void | Promise<void> {
    this.addSql(`create type "case_status" as enum ('NEW', 'OPEN', 'PENDING', 'RESOLVED', 'CLOSED');`);
    this.addSql(`create type "case_priority" as enum ('LOW', 'NORMAL', 'HIGH', 'URGENT');`);
    this.addSql(`create type "case_channel" as enum ('EMAIL', 'PHONE', 'CHAT', 'SOCIAL', 'MESSENGER', 'WEB', 'IN_STORE');`);
    this.addSql(
      `create table "support_case" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, "customer_id" uuid not null, "subject" text not null, "description" text null, "status" "case_status" not null default 'NEW', "priority" "case_priority" not null default 'NORMAL', "channel" "case_channel" not null, "assignee_id" uuid null, primary key ("id"));`,
    );
    this.addSql(`create index "support_case_assignee_id_index" on "support_case" ("assignee_id");`);
    this.addSql(`create index "support_case_status_created_at_id_index" on "support_case" ("status", "created_at", "id");`);
    this.addSql(`create index "support_case_customer_id_created_at_id_index" on "support_case" ("customer_id", "created_at", "id");`);
  }
}
