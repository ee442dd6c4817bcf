import { Migration } from '@mikro-orm/migrations';

/**
 * Issue 12: messages are queued, then delivered by a job (QUEUED → SENDING → SENT → DELIVERED/BOUNCED, SUPPRESSED
 * with a reason); campaigns keep their content and audience progress; enrolments know when their step is due;
 * marketing keeps customers' addresses (customer_contact). The old SUPPRESSED_NO_CONSENT rows become
 * SUPPRESSED with reason NO_CONSENT.
 */
export class Migration20261204190936_message_pipeline extends Migration {
  override name = 'Migration20261204190936_message_pipeline';

  override up(): void | Promise<void> {
    this.addSql(`create type "message_suppression_reason" as enum ('NO_CONSENT', 'NO_ADDRESS', 'FREQUENCY_CAP', 'CANCELLED');`);
    this.addSql(
      `alter table "message_send" add "language" text not null default 'en', add "body" text not null default '', add "data" jsonb null, add "attachments" jsonb null, add "calendar" text null, add "suppression_reason" "message_suppression_reason" null, add "campaign_id" uuid null, add "enrolment_id" uuid null, add "step" int null, add "attempts" int not null default 0, add "not_before" timestamptz null, add "sent_at" timestamptz null, add "delivered_at" timestamptz null, add "opened_at" timestamptz null, add "clicked_at" timestamptz null, add "unsubscribed_at" timestamptz null;`,
    );
    this.addSql(`alter table "message_send" alter column "recipient" drop not null;`);
    // A new type rather than ALTER TYPE … ADD VALUE: added values cannot be used in the transaction that adds them,
    // and the old SUPPRESSED_NO_CONSENT rows become SUPPRESSED (reason NO_CONSENT) here.
    this.addSql(`create type "message_send_status_next" as enum ('QUEUED', 'SENDING', 'SENT', 'DELIVERED', 'BOUNCED', 'SUPPRESSED', 'FAILED');`);
    this.addSql(`update "message_send" set "suppression_reason" = 'NO_CONSENT' where "status"::text = 'SUPPRESSED_NO_CONSENT';`);
    this.addSql(
      `alter table "message_send" alter column "status" type "message_send_status_next" using (case "status"::text when 'SUPPRESSED_NO_CONSENT' then 'SUPPRESSED' else "status"::text end)::"message_send_status_next";`,
    );
    this.addSql(`drop type "message_send_status";`);
    this.addSql(`alter type "message_send_status_next" rename to "message_send_status";`);
    this.addSql(`create index "message_send_provider_message_id_index" on "message_send" ("provider_message_id") where "provider_message_id" is not null;`);
    this.addSql(`create unique index "message_send_enrolment_step_unique" on "message_send" ("enrolment_id", "step") where "enrolment_id" is not null;`);
    this.addSql(
      `create unique index "message_send_campaign_customer_unique" on "message_send" ("campaign_id", "customer_id") where "campaign_id" is not null;`,
    );
    this.addSql(`create index "message_send_customer_id_purpose_sent_at_index" on "message_send" ("customer_id", "purpose", "sent_at");`);
    this.addSql(`create index "message_send_campaign_id_status_index" on "message_send" ("campaign_id", "status");`);

    this.addSql(`alter table "quote_snapshot" add "financing" jsonb null;`);

    this.addSql(
      `create table "customer_contact" ("customer_id" uuid not null, "kind" text not null, "value" text not null, "linked_at" timestamptz not null, primary key ("customer_id", "kind", "value"));`,
    );
    this.addSql(`create index "customer_contact_kind_value_index" on "customer_contact" ("kind", "value");`);

    this.addSql(
      `alter table "campaign" add "content" jsonb not null default '[]', add "started_at" timestamptz null, add "audience_cursor" uuid null, add "audience_queued_at" timestamptz null;`,
    );

    this.addSql(`alter table "sequence_enrolment" add "next_step_at" timestamptz null;`);
    this.addSql(`create index "sequence_enrolment_status_next_step_at_index" on "sequence_enrolment" ("status", "next_step_at");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "campaign" drop column "content", drop column "started_at", drop column "audience_cursor", drop column "audience_queued_at";`);

    this.addSql(`create type "message_send_status_previous" as enum ('SENT', 'SUPPRESSED_NO_CONSENT', 'FAILED');`);
    this.addSql(
      `alter table "message_send" alter column "status" type "message_send_status_previous" using (case when "status"::text = 'SUPPRESSED' then 'SUPPRESSED_NO_CONSENT' when "status"::text in ('SENT', 'DELIVERED', 'BOUNCED') then 'SENT' when "status"::text = 'FAILED' then 'FAILED' else 'FAILED' end)::"message_send_status_previous";`,
    );
    this.addSql(`drop type "message_send_status";`);
    this.addSql(`alter type "message_send_status_previous" rename to "message_send_status";`);
    this.addSql(`drop index "message_send_provider_message_id_index";`);
    this.addSql(`drop index "message_send_enrolment_step_unique";`);
    this.addSql(`drop index "message_send_campaign_customer_unique";`);
    this.addSql(`drop index "message_send_customer_id_purpose_sent_at_index";`);
    this.addSql(`drop index "message_send_campaign_id_status_index";`);
    this.addSql(
      `alter table "message_send" drop column "language", drop column "body", drop column "data", drop column "attachments", drop column "calendar", drop column "suppression_reason", drop column "campaign_id", drop column "enrolment_id", drop column "step", drop column "attempts", drop column "not_before", drop column "sent_at", drop column "delivered_at", drop column "opened_at", drop column "clicked_at", drop column "unsubscribed_at";`,
    );
    this.addSql(`alter table "message_send" alter column "recipient" set not null;`);

    this.addSql(`alter table "quote_snapshot" drop column "financing";`);

    this.addSql(`drop index "sequence_enrolment_status_next_step_at_index";`);
    this.addSql(`alter table "sequence_enrolment" drop column "next_step_at";`);

    this.addSql(`drop table if exists "customer_contact" cascade;`);
    this.addSql(`drop type "message_suppression_reason";`);
  }
}
