import { Migration } from '@mikro-orm/migrations';

export class Migration20261125151026_domain extends Migration {
  override name = 'Migration20261125151026_domain';

  override up(): void | Promise<void> {
    this.addSql(`create extension if not exists pg_trgm;`);
    this.addSql(`create type "customer_gender" as enum ('FEMALE', 'MALE', 'OTHER', 'UNDISCLOSED');`);
    this.addSql(`create type "customer_company_size" as enum ('MICRO', 'SMALL', 'MEDIUM', 'LARGE');`);
    this.addSql(`create type "consent_purpose" as enum ('MARKETING', 'PROFILING', 'SERVICE_COMMUNICATION', 'THIRD_PARTY_SHARING');`);
    this.addSql(`create type "consent_channel" as enum ('EMAIL', 'SMS', 'PHONE', 'PUSH', 'POST', 'ANY');`);
    this.addSql(`create type "consent_status" as enum ('GRANTED', 'WITHDRAWN');`);
    this.addSql(
      `create table "customer_consent" ("id" uuid not null, "customer_id" uuid not null, "purpose" "consent_purpose" not null, "channel" "consent_channel" not null, "status" "consent_status" not null, "source" text not null, "text_version" text not null, "given_at" timestamptz not null, "recorded_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`create index "customer_consent_customer_id_given_at_id_index" on "customer_consent" ("customer_id", "given_at", "id");`);
    this.addSql(
      `create index "customer_consent_customer_id_purpose_channel_given_at_index" on "customer_consent" ("customer_id", "purpose", "channel", "given_at");`,
    );

    this.addSql(
      `create table "staff_team" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, "name" text not null, "manager_id" uuid null, primary key ("id"));`,
    );
    this.addSql(`alter table "staff_team" add constraint "staff_team_name_unique" unique ("name");`);
    this.addSql(`create index "staff_team_manager_id_index" on "staff_team" ("manager_id");`);
    this.addSql(`create index "staff_team_name_id_index" on "staff_team" ("name", "id");`);

    this.addSql(
      `create table "staff_team_member" ("id" uuid not null, "team_id" uuid not null, "user_id" uuid not null, "joined_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`create index "staff_team_member_user_id_index" on "staff_team_member" ("user_id");`);
    this.addSql(`alter table "staff_team_member" add constraint "staff_team_member_team_id_user_id_unique" unique ("team_id", "user_id");`);

    this.addSql(
      `alter table "customer" add "sort_name" text not null default '', add "birth_date" date null, add "gender" "customer_gender" null, add "education" text null, add "occupation" text null, add "job_title" text null, add "industry" text null, add "company_size" "customer_company_size" null, add "organization_id" uuid null, add "merged_into_id" uuid null, add "archived_at" timestamptz null;`,
    );
    // Rows written before sort_name existed: lower-cased here; the application also strips diacritics on the next write.
    this.addSql(
      `update "customer" set "sort_name" = lower(case when "kind" = 'ORGANIZATION' then coalesce("organization_name", '') else concat_ws(' ', "first_name", "last_name") end);`,
    );
    this.addSql(
      `alter table "customer" add constraint "customer_organization_id_foreign" foreign key ("organization_id") references "customer" ("id") on delete set null;`,
    );
    this.addSql(
      `alter table "customer" add constraint "customer_merged_into_id_foreign" foreign key ("merged_into_id") references "customer" ("id") on delete set null;`,
    );
    this.addSql(`create index "customer_merged_into_id_index" on "customer" ("merged_into_id");`);
    this.addSql(`create index "customer_sort_name_trgm_index" on "customer" using gin ("sort_name" gin_trgm_ops);`);
    this.addSql(`create index "customer_organization_id_sort_name_id_index" on "customer" ("organization_id", "sort_name", "id");`);
    this.addSql(`create index "customer_industry_created_at_id_index" on "customer" ("industry", "created_at", "id");`);
    this.addSql(`create index "customer_kind_created_at_id_index" on "customer" ("kind", "created_at", "id");`);
    this.addSql(`create index "customer_sort_name_id_index" on "customer" ("sort_name", "id");`);

    this.addSql(`create index "customer_identifier_value_trgm_index" on "customer_identifier" using gin ("value" gin_trgm_ops);`);

    this.addSql(
      `alter table "customer_consent" add constraint "customer_consent_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on delete cascade;`,
    );

    this.addSql(
      `alter table "staff_team" add constraint "staff_team_manager_id_foreign" foreign key ("manager_id") references "staff_user" ("id") on delete set null;`,
    );

    this.addSql(
      `alter table "staff_team_member" add constraint "staff_team_member_team_id_foreign" foreign key ("team_id") references "staff_team" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "staff_team_member" add constraint "staff_team_member_user_id_foreign" foreign key ("user_id") references "staff_user" ("id") on delete cascade;`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "staff_team_member" drop constraint "staff_team_member_team_id_foreign";`);

    this.addSql(`drop table if exists "customer_consent" cascade;`);
    this.addSql(`drop table if exists "staff_team" cascade;`);
    this.addSql(`drop table if exists "staff_team_member" cascade;`);

    this.addSql(`alter table "customer" drop constraint "customer_organization_id_foreign";`);
    this.addSql(`alter table "customer" drop constraint "customer_merged_into_id_foreign";`);

    this.addSql(`drop index "customer_merged_into_id_index";`);
    this.addSql(`drop index "customer_sort_name_trgm_index";`);
    this.addSql(`drop index "customer_organization_id_sort_name_id_index";`);
    this.addSql(`drop index "customer_industry_created_at_id_index";`);
    this.addSql(`drop index "customer_kind_created_at_id_index";`);
    this.addSql(`drop index "customer_sort_name_id_index";`);
    this.addSql(
      `alter table "customer" drop column "sort_name", drop column "birth_date", drop column "gender", drop column "education", drop column "occupation", drop column "job_title", drop column "industry", drop column "company_size", drop column "organization_id", drop column "merged_into_id", drop column "archived_at";`,
    );

    this.addSql(`drop index "customer_identifier_value_trgm_index";`);

    this.addSql(`drop type "customer_gender";`);
    this.addSql(`drop type "customer_company_size";`);
    this.addSql(`drop type "consent_purpose";`);
    this.addSql(`drop type "consent_channel";`);
    this.addSql(`drop type "consent_status";`);
  }
}
