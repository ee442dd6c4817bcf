import { Migration } from '@mikro-orm/migrations';

export class Migration20261125145155_initial extends Migration {
  override name = 'Migration20261125145155_initial';

  override up(): void | Promise<void> {
    this.addSql(`create type "customer_kind" as enum ('PERSON', 'ORGANIZATION');`);
    this.addSql(`create type "identifier_kind" as enum ('EMAIL', 'PHONE', 'DEVICE', 'SOCIAL', 'EXTERNAL');`);
    this.addSql(`create type "staff_role" as enum ('ADMIN', 'MANAGER', 'SALES_REP', 'MARKETER', 'SERVICE_AGENT');`);
    this.addSql(
      `create table "customer" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, "kind" "customer_kind" not null default 'PERSON', "first_name" text null, "last_name" text null, "organization_name" text null, primary key ("id"));`,
    );
    this.addSql(`create index "customer_created_at_id_index" on "customer" ("created_at", "id");`);

    this.addSql(
      `create table "customer_identifier" ("id" uuid not null, "customer_id" uuid not null, "kind" "identifier_kind" not null, "value" text not null, "created_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`create index "customer_identifier_customer_id_index" on "customer_identifier" ("customer_id");`);
    this.addSql(`alter table "customer_identifier" add constraint "customer_identifier_kind_value_unique" unique ("kind", "value");`);

    this.addSql(
      `create table "staff_user" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, "name" text not null, "email" text not null, "role" "staff_role" not null, "active" boolean not null default true, primary key ("id"));`,
    );
    this.addSql(`alter table "staff_user" add constraint "staff_user_email_unique" unique ("email");`);

    this.addSql(
      `alter table "customer_identifier" add constraint "customer_identifier_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on delete cascade;`,
    );
  }
}
