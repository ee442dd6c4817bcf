import { Migration } from '@mikro-orm/migrations';

export class Migration20261125151507_domain extends Migration {
  override name = 'Migration20261125151507_domain';

  override up(): void | Promise<void> {
    this.addSql(`create type "asset_kind" as enum ('VEHICLE', 'OTHER');`);
    this.addSql(`create type "asset_insurance_type" as enum ('LIABILITY', 'COMPREHENSIVE', 'GAP');`);
    this.addSql(`create type "case_category" as enum ('COMPLAINT', 'TECHNICAL', 'BILLING', 'WARRANTY', 'GENERAL');`);
    this.addSql(`create type "case_line" as enum ('FIRST', 'SECOND');`);
    this.addSql(`create type "service_contract_tier" as enum ('STANDARD', 'PREMIUM', 'ENTERPRISE');`);
    this.addSql(`create type "case_message_direction" as enum ('INBOUND', 'OUTBOUND', 'INTERNAL_NOTE');`);
    this.addSql(`create type "knowledge_article_status" as enum ('DRAFT', 'PUBLISHED');`);
    this.addSql(
      `create table "asset" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, "customer_id" uuid not null, "kind" "asset_kind" not null, "identifier" text not null, "model" text not null, "year" int null, "mileage" int not null default 0, "financing_provider" text null, "financing_contract_number" text null, "financing_monthly_payment" numeric(16,2) null, "financing_currency" char(3) null, "financing_ends_on" date null, "insurance_provider" text null, "insurance_policy_number" text null, "insurance_type" "asset_insurance_type" null, "insurance_valid_until" date null, primary key ("id"));`,
    );
    this.addSql(`alter table "asset" add constraint "asset_identifier_unique" unique ("identifier");`);
    this.addSql(`create index "asset_customer_id_created_at_id_index" on "asset" ("customer_id", "created_at", "id");`);

    this.addSql(
      `create table "case_message" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, "case_id" uuid not null, "channel" "case_channel" not null, "direction" "case_message_direction" not null, "author_customer_id" uuid null, "author_user_id" uuid null, "body" text not null, "sent_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`create index "case_message_case_id_sent_at_id_index" on "case_message" ("case_id", "sent_at", "id");`);

    this.addSql(
      `create table "knowledge_article" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, "title" text not null, "body" text not null, "tags" text[] not null default '{}', "status" "knowledge_article_status" not null default 'DRAFT', "tags_text" text not null default '', "search_vector" tsvector generated always as (setweight(to_tsvector('english', title || ' ' || tags_text), 'A') || setweight(to_tsvector('english', body), 'B')) stored not null, primary key ("id"));`,
    );
    this.addSql(`create index "knowledge_article_search_vector_index" on "knowledge_article" using gin ("search_vector");`);
    this.addSql(`create index "knowledge_article_status_created_at_id_index" on "knowledge_article" ("status", "created_at", "id");`);

    this.addSql(
      `create table "service_contract" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, "customer_id" uuid not null, "tier" "service_contract_tier" not null, primary key ("id"));`,
    );
    this.addSql(`alter table "service_contract" add constraint "service_contract_customer_id_unique" unique ("customer_id");`);

    this.addSql(
      `create table "service_visit" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, "asset_id" uuid not null, "visited_on" date not null, "mileage" int not null, "work_done" text not null, "cost" numeric(16,2) not null, "currency" char(3) not null, primary key ("id"));`,
    );
    this.addSql(`create index "service_visit_asset_id_created_at_id_index" on "service_visit" ("asset_id", "created_at", "id");`);

    this.addSql(
      `alter table "support_case" add "category" "case_category" not null default 'GENERAL', add "line" "case_line" not null default 'FIRST', add "auto_classified" boolean not null default false, add "current_channel" "case_channel" null, add "contract_tier" "service_contract_tier" not null default 'STANDARD', add "first_response_due_at" timestamptz null, add "resolution_due_at" timestamptz null, add "first_responded_at" timestamptz null, add "resolved_at" timestamptz null;`,
    );
    // Cases opened before SLAs existed get the STANDARD deadlines of their priority (see sla.policy.ts).
    this.addSql(`update "support_case" set "current_channel" = "channel",
      "first_response_due_at" = "created_at" + case "priority" when 'URGENT' then interval '1 hour' when 'HIGH' then interval '4 hours' when 'NORMAL' then interval '8 hours' else interval '1 day' end,
      "resolution_due_at" = "created_at" + case "priority" when 'URGENT' then interval '8 hours' when 'HIGH' then interval '1 day' when 'NORMAL' then interval '3 days' else interval '5 days' end,
      "resolved_at" = case when "status" in ('RESOLVED', 'CLOSED') then "updated_at" end;`);
    this.addSql(
      `alter table "support_case" alter column "current_channel" set not null, alter column "first_response_due_at" set not null, alter column "resolution_due_at" set not null;`,
    );
    this.addSql(`create index "support_case_priority_index" on "support_case" ("priority");`);
    this.addSql(`create index "support_case_category_index" on "support_case" ("category");`);
    this.addSql(`create index "support_case_line_index" on "support_case" ("line");`);
    this.addSql(`create index "support_case_resolution_due_at_id_index" on "support_case" ("resolution_due_at", "id");`);
    this.addSql(`create index "support_case_first_response_due_at_id_index" on "support_case" ("first_response_due_at", "id");`);
    this.addSql(`create index "support_case_created_at_id_index" on "support_case" ("created_at", "id");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "asset" cascade;`);
    this.addSql(`drop table if exists "case_message" cascade;`);
    this.addSql(`drop table if exists "knowledge_article" cascade;`);
    this.addSql(`drop table if exists "service_contract" cascade;`);
    this.addSql(`drop table if exists "service_visit" cascade;`);

    this.addSql(`drop index "support_case_priority_index";`);
    this.addSql(`drop index "support_case_category_index";`);
    this.addSql(`drop index "support_case_line_index";`);
    this.addSql(`drop index "support_case_resolution_due_at_id_index";`);
    this.addSql(`drop index "support_case_first_response_due_at_id_index";`);
    this.addSql(`drop index "support_case_created_at_id_index";`);
    this.addSql(
      `alter table "support_case" drop column "category", drop column "line", drop column "auto_classified", drop column "current_channel", drop column "contract_tier", drop column "first_response_due_at", drop column "resolution_due_at", drop column "first_responded_at", drop column "resolved_at";`,
    );

    this.addSql(`drop type "asset_kind";`);
    this.addSql(`drop type "asset_insurance_type";`);
    this.addSql(`drop type "case_category";`);
    this.addSql(`drop type "case_line";`);
    this.addSql(`drop type "service_contract_tier";`);
    this.addSql(`drop type "case_message_direction";`);
    this.addSql(`drop type "knowledge_article_status";`);
  }
}
