import { Migration } from '@mikro-orm/migrations';

export class Migration20261125151614_domain extends Migration {
  override name = 'Migration20261125151614_domain';

  override up(): void | Promise<void> {
    this.addSql(`create type "sales_activity_type" as enum ('CALL', 'MEETING', 'EMAIL', 'TASK', 'NOTE');`);
    this.addSql(`create type "financing_kind" as enum ('CASH', 'LOAN', 'LEASE');`);
    this.addSql(`create type "lead_source" as enum ('WEB_FORM', 'PHONE', 'EMAIL', 'WALK_IN', 'PARTNER', 'CAMPAIGN', 'REFERRAL');`);
    this.addSql(`create type "lead_status" as enum ('NEW', 'CONTACTED', 'QUALIFIED', 'CONVERTED', 'DISQUALIFIED');`);
    this.addSql(`create type "opportunity_status" as enum ('OPEN', 'WON', 'LOST');`);
    this.addSql(`create type "product_category" as enum ('CAR', 'INSURANCE', 'SERVICE_PACKAGE', 'ACCESSORY');`);
    this.addSql(`create type "quote_status" as enum ('DRAFT', 'SENT', 'VIEWED', 'ACCEPTED', 'REJECTED', 'EXPIRED');`);
    this.addSql(`create type "stage_marker" as enum ('NEW_INQUIRY', 'TEST_DRIVE', 'FIRST_OFFER_SENT', 'NEGOTIATION', 'ORDERED', 'LOST');`);
    this.addSql(
      `create table "sales_activity" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, "type" "sales_activity_type" not null, "subject" text not null, "notes" text null, "customer_id" uuid null, "lead_id" uuid null, "opportunity_id" uuid null, "owner_id" uuid null, "occurred_at" timestamptz null, "due_at" timestamptz null, "reminder_at" timestamptz null, "completed_at" timestamptz null, primary key ("id"));`,
    );
    this.addSql(`create index "sales_activity_created_at_id_index" on "sales_activity" ("created_at", "id");`);
    this.addSql(`create index "sales_activity_due_at_id_index" on "sales_activity" ("due_at", "id");`);
    this.addSql(`create index "sales_activity_owner_id_due_at_id_index" on "sales_activity" ("owner_id", "due_at", "id");`);
    this.addSql(`create index "sales_activity_opportunity_id_created_at_id_index" on "sales_activity" ("opportunity_id", "created_at", "id");`);
    this.addSql(`create index "sales_activity_lead_id_created_at_id_index" on "sales_activity" ("lead_id", "created_at", "id");`);
    this.addSql(`create index "sales_activity_customer_id_created_at_id_index" on "sales_activity" ("customer_id", "created_at", "id");`);

    this.addSql(
      `create table "quote_financing" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, "quote_id" uuid not null, "position" int not null, "kind" "financing_kind" not null, "term_months" int null, "annual_rate_percent" numeric(6,3) null, "down_payment_percent" numeric(5,2) null, "down_payment_amount" numeric(16,2) not null, "residual_value_percent" numeric(5,2) null, "residual_value_amount" numeric(16,2) not null, "financed_amount" numeric(16,2) not null, "monthly_payment_amount" numeric(16,2) null, "total_paid_amount" numeric(16,2) not null, "total_interest_amount" numeric(16,2) not null, "currency" char(3) not null, primary key ("id"));`,
    );
    this.addSql(`create index "quote_financing_quote_id_position_index" on "quote_financing" ("quote_id", "position");`);

    this.addSql(
      `create table "sales_lead" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, "source" "lead_source" not null, "status" "lead_status" not null default 'NEW', "status_reason" text null, "customer_id" uuid null, "contact_name" text null, "contact_email" text null, "contact_phone" text null, "requested_appointment" timestamptz null, "interest" text null, "interest_product_id" uuid null, "score" int not null default 0, "owner_id" uuid null, "converted_opportunity_id" uuid null, primary key ("id"));`,
    );
    this.addSql(`create index "sales_lead_created_at_id_index" on "sales_lead" ("created_at", "id");`);
    this.addSql(`create index "sales_lead_owner_id_created_at_id_index" on "sales_lead" ("owner_id", "created_at", "id");`);
    this.addSql(`create index "sales_lead_status_created_at_id_index" on "sales_lead" ("status", "created_at", "id");`);
    this.addSql(`create index "sales_lead_customer_id_created_at_id_index" on "sales_lead" ("customer_id", "created_at", "id");`);

    this.addSql(
      `create table "pipeline" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, "name" text not null, "is_default" boolean not null default false, primary key ("id"));`,
    );
    this.addSql(`create unique index "pipeline_single_default" on "pipeline" ("is_default") where "is_default";`);

    this.addSql(
      `create table "product" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, "sku" text not null, "name" text not null, "category" "product_category" not null, "list_price_amount" numeric(16,2) not null, "list_price_currency" char(3) not null, "active" boolean not null default true, primary key ("id"));`,
    );
    this.addSql(`alter table "product" add constraint "product_sku_unique" unique ("sku");`);
    this.addSql(`create index "product_search_index" on "product" using gin (to_tsvector('simple', name || ' ' || sku));`);
    this.addSql(`create index "product_created_at_id_index" on "product" ("created_at", "id");`);
    this.addSql(`create index "product_category_active_created_at_id_index" on "product" ("category", "active", "created_at", "id");`);

    this.addSql(
      `create table "quote" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, "customer_id" uuid not null, "opportunity_id" uuid null, "title" text not null, "status" "quote_status" not null default 'DRAFT', "currency" char(3) not null, "tax_rate_percent" numeric(5,2) not null, "valid_until" date null, "subtotal_amount" numeric(16,2) not null default '0.00', "discount_amount" numeric(16,2) not null default '0.00', "tax_amount" numeric(16,2) not null default '0.00', "total_amount" numeric(16,2) not null default '0.00', "rejection_reason" text null, primary key ("id"));`,
    );
    this.addSql(`create index "quote_status_created_at_id_index" on "quote" ("status", "created_at", "id");`);
    this.addSql(`create index "quote_opportunity_id_created_at_id_index" on "quote" ("opportunity_id", "created_at", "id");`);
    this.addSql(`create index "quote_customer_id_created_at_id_index" on "quote" ("customer_id", "created_at", "id");`);

    this.addSql(
      `create table "quote_line" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, "quote_id" uuid not null, "position" int not null, "product_id" uuid not null, "description" text not null, "quantity" int not null, "unit_price_amount" numeric(16,2) not null, "discount_percent" numeric(5,2) null, "discount_amount" numeric(16,2) not null, "net_amount" numeric(16,2) not null, "currency" char(3) not null, primary key ("id"));`,
    );
    this.addSql(`create index "quote_line_quote_id_position_index" on "quote_line" ("quote_id", "position");`);

    this.addSql(
      `create table "pipeline_stage" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, "pipeline_id" uuid not null, "name" text not null, "position" int not null, "probability" int not null, "is_won" boolean not null default false, "is_lost" boolean not null default false, "marker" "stage_marker" null, primary key ("id"));`,
    );
    this.addSql(`create index "pipeline_stage_pipeline_id_position_index" on "pipeline_stage" ("pipeline_id", "position");`);

    this.addSql(
      `create table "opportunity_stage_change" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, "opportunity_id" uuid not null, "from_stage_id" uuid null, "to_stage_id" uuid not null, "changed_by" text not null, primary key ("id"));`,
    );
    this.addSql(
      `create index "opportunity_stage_change_opportunity_id_created_at_id_index" on "opportunity_stage_change" ("opportunity_id", "created_at", "id");`,
    );

    this.addSql(`drop index "opportunity_owner_id_index";`);
    this.addSql(
      `alter table "opportunity" add "pipeline_id" uuid null, add "stage_id" uuid null, add "status" "opportunity_status" not null default 'OPEN', add "probability_override" int null, add "archived_at" timestamptz null;`,
    );
    // Opportunities from before pipelines keep their stage: a default pipeline gets one stage per stage name in use.
    this.addSql(
      `insert into "pipeline" ("id", "created_at", "updated_at", "name", "is_default") select gen_random_uuid(), now(), now(), 'Default', true where exists (select 1 from "opportunity");`,
    );
    this.addSql(
      `insert into "pipeline_stage" ("id", "created_at", "updated_at", "pipeline_id", "name", "position", "probability") select gen_random_uuid(), now(), now(), p."id", s."stage", (row_number() over (order by s."stage"))::int - 1, 0 from (select distinct "stage" from "opportunity") s cross join "pipeline" p where p."name" = 'Default';`,
    );
    this.addSql(`update "opportunity" o set "pipeline_id" = st."pipeline_id", "stage_id" = st."id" from "pipeline_stage" st where st."name" = o."stage";`);
    this.addSql(`alter table "opportunity" alter column "pipeline_id" set not null, alter column "stage_id" set not null;`);
    this.addSql(`alter table "opportunity" drop column "stage";`);
    this.addSql(`create index "opportunity_stage_id_index" on "opportunity" ("stage_id");`);
    this.addSql(`create index "opportunity_status_created_at_id_index" on "opportunity" ("status", "created_at", "id");`);
    this.addSql(`create index "opportunity_owner_id_created_at_id_index" on "opportunity" ("owner_id", "created_at", "id");`);
    this.addSql(`create index "opportunity_pipeline_id_stage_id_created_at_id_index" on "opportunity" ("pipeline_id", "stage_id", "created_at", "id");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "sales_activity" cascade;`);
    this.addSql(`drop table if exists "quote_financing" cascade;`);
    this.addSql(`drop table if exists "sales_lead" cascade;`);
    this.addSql(`drop table if exists "pipeline" cascade;`);
    this.addSql(`drop table if exists "product" cascade;`);
    this.addSql(`drop table if exists "quote" cascade;`);
    this.addSql(`drop table if exists "quote_line" cascade;`);
    this.addSql(`drop table if exists "pipeline_stage" cascade;`);
    this.addSql(`drop table if exists "opportunity_stage_change" cascade;`);

    this.addSql(`drop index "opportunity_stage_id_index";`);
    this.addSql(`drop index "opportunity_status_created_at_id_index";`);
    this.addSql(`drop index "opportunity_owner_id_created_at_id_index";`);
    this.addSql(`drop index "opportunity_pipeline_id_stage_id_created_at_id_index";`);
    this.addSql(
      `alter table "opportunity" drop column "pipeline_id", drop column "stage_id", drop column "status", drop column "probability_override", drop column "archived_at";`,
    );
    this.addSql(`alter table "opportunity" add "stage" text not null;`);
    this.addSql(`create index "opportunity_owner_id_index" on "opportunity" ("owner_id");`);

    this.addSql(`drop type "sales_activity_type";`);
    this.addSql(`drop type "financing_kind";`);
    this.addSql(`drop type "lead_source";`);
    this.addSql(`drop type "lead_status";`);
    this.addSql(`drop type "opportunity_status";`);
    this.addSql(`drop type "product_category";`);
    this.addSql(`drop type "quote_status";`);
    this.addSql(`drop type "stage_marker";`);
  }
}
