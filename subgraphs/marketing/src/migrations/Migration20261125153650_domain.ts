import { Migration } from '@mikro-orm/migrations';

export class Migration20261125153650_domain extends Migration {
  override name = 'Migration20261125153650_domain';

  override up(): void | Promise<void> {
    this.addSql(`create type "message_send_status" as enum ('SENT', 'SUPPRESSED_NO_CONSENT', 'FAILED');`);
    this.addSql(
      `create table "message_send" ("id" uuid not null, "customer_id" uuid not null, "channel" text not null, "purpose" text not null, "template" text not null, "subject" text not null, "recipient" text not null, "status" "message_send_status" not null, "provider_message_id" text null, "error" text null, "created_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`create index "message_send_status_created_at_index" on "message_send" ("status", "created_at");`);
    this.addSql(`create index "message_send_customer_id_created_at_id_index" on "message_send" ("customer_id", "created_at", "id");`);

    this.addSql(
      `create table "quote_snapshot" ("id" uuid not null, "opportunity_id" uuid not null, "customer_id" uuid not null, "last_event" text not null, "products" jsonb not null, "total_amount" numeric(16,2) null, "currency" text null, "sent_at" timestamptz null, "changed_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`create index "quote_snapshot_customer_id_index" on "quote_snapshot" ("customer_id");`);
    this.addSql(`create index "quote_snapshot_opportunity_id_sent_at_index" on "quote_snapshot" ("opportunity_id", "sent_at");`);

    this.addSql(`alter table "consent_state" drop constraint "consent_state_pkey";`);
    this.addSql(`alter table "consent_state" add "channel" text not null default 'ANY';`);
    this.addSql(`alter table "consent_state" add primary key ("customer_id", "purpose", "channel");`);

    this.addSql(
      `alter table "customer_profile" add "kind" text null, add "first_name" text null, add "last_name" text null, add "organization_name" text null, add "birth_date" date null, add "industry" text null, add "company_size" text null, add "job_title" text null;`,
    );

    this.addSql(
      `alter table "opportunity_state" add "pipeline_id" uuid null, add "stage_id" uuid null, add "stage_name" text null, add "marker" text null, add "owner_id" uuid null, add "status" text null, add "amount" numeric(16,2) null, add "currency" text null;`,
    );

    this.addSql(`alter table "sequence_enrolment" add "personalization" jsonb null;`);
    this.addSql(`create index "sequence_enrolment_customer_id_created_at_id_index" on "sequence_enrolment" ("customer_id", "created_at", "id");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "message_send" cascade;`);
    this.addSql(`drop table if exists "quote_snapshot" cascade;`);

    this.addSql(`alter table "consent_state" drop constraint "consent_state_pkey";`);
    this.addSql(`alter table "consent_state" drop column "channel";`);
    this.addSql(`alter table "consent_state" add primary key ("customer_id", "purpose");`);

    this.addSql(
      `alter table "customer_profile" drop column "kind", drop column "first_name", drop column "last_name", drop column "organization_name", drop column "birth_date", drop column "industry", drop column "company_size", drop column "job_title";`,
    );

    this.addSql(
      `alter table "opportunity_state" drop column "pipeline_id", drop column "stage_id", drop column "stage_name", drop column "marker", drop column "owner_id", drop column "status", drop column "amount", drop column "currency";`,
    );

    this.addSql(`drop index "sequence_enrolment_customer_id_created_at_id_index";`);
    this.addSql(`alter table "sequence_enrolment" drop column "personalization";`);

    this.addSql(`drop type "message_send_status";`);
  }
}
