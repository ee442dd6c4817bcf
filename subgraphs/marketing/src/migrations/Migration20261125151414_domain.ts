import { Migration } from '@mikro-orm/migrations';

export class Migration20261125151414_domain extends Migration {
  override name = 'Migration20261125151414_domain';

  override up(): void | Promise<void> {
    this.addSql(`create type "campaign_status" as enum ('DRAFT', 'SCHEDULED', 'RUNNING', 'COMPLETED', 'CANCELLED');`);
    this.addSql(`create type "segment_kind" as enum ('DYNAMIC', 'STATIC');`);
    this.addSql(`create type "sequence_enrolment_status" as enum ('ACTIVE', 'COMPLETED', 'EXITED');`);
    this.addSql(
      `create table "campaign" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, "name" text not null, "segment_id" uuid not null, "channel" text not null, "starts_at" timestamptz not null, "status" "campaign_status" not null, primary key ("id"));`,
    );
    this.addSql(`create index "campaign_segment_id_index" on "campaign" ("segment_id");`);
    this.addSql(`create index "campaign_status_starts_at_id_index" on "campaign" ("status", "starts_at", "id");`);
    this.addSql(`create index "campaign_status_created_at_id_index" on "campaign" ("status", "created_at", "id");`);

    this.addSql(
      `create table "consent_state" ("customer_id" uuid not null, "purpose" text not null, "granted" boolean not null, "changed_at" timestamptz not null, primary key ("customer_id", "purpose"));`,
    );

    this.addSql(
      `create table "customer_profile" ("id" uuid not null, "city" text null, "gender" text null, "preferred_language" text null, "occupation" text null, "created_at" timestamptz not null, "changed_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`create index "customer_profile_created_at_id_index" on "customer_profile" ("created_at", "id");`);

    this.addSql(
      `create table "opportunity_state" ("id" uuid not null, "customer_id" uuid not null, "is_open" boolean not null, "changed_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`create index "opportunity_state_customer_id_is_open_index" on "opportunity_state" ("customer_id", "is_open");`);

    this.addSql(
      `create table "segment" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, "name" text not null, "description" text null, "kind" "segment_kind" not null, "rules" jsonb null, "archived_at" timestamptz null, primary key ("id"));`,
    );
    this.addSql(`create index "segment_name_id_index" on "segment" ("name", "id");`);
    this.addSql(`create index "segment_kind_created_at_id_index" on "segment" ("kind", "created_at", "id");`);

    this.addSql(
      `create table "segment_member" ("id" uuid not null, "segment_id" uuid not null, "customer_id" uuid not null, "added_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`create index "segment_member_customer_id_index" on "segment_member" ("customer_id");`);
    this.addSql(`create index "segment_member_segment_id_added_at_id_index" on "segment_member" ("segment_id", "added_at", "id");`);
    this.addSql(`alter table "segment_member" add constraint "segment_member_segment_id_customer_id_unique" unique ("segment_id", "customer_id");`);

    this.addSql(
      `create table "marketing_sequence" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, "name" text not null, "steps" jsonb not null, "archived_at" timestamptz null, primary key ("id"));`,
    );
    this.addSql(`alter table "marketing_sequence" add constraint "marketing_sequence_name_unique" unique ("name");`);
    this.addSql(`create index "marketing_sequence_created_at_id_index" on "marketing_sequence" ("created_at", "id");`);

    this.addSql(
      `create table "sequence_enrolment" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, "sequence_id" uuid not null, "customer_id" uuid not null, "current_step" int not null, "status" "sequence_enrolment_status" not null, "exit_reason" text null, "ended_at" timestamptz null, primary key ("id"));`,
    );
    this.addSql(`create index "sequence_enrolment_customer_id_sequence_id_status_index" on "sequence_enrolment" ("customer_id", "sequence_id", "status");`);
    this.addSql(`create index "sequence_enrolment_sequence_id_created_at_id_index" on "sequence_enrolment" ("sequence_id", "created_at", "id");`);
    this.addSql(
      `create index "sequence_enrolment_sequence_id_status_created_at_id_index" on "sequence_enrolment" ("sequence_id", "status", "created_at", "id");`,
    );

    this.addSql(
      `create table "survey_response" ("id" uuid not null, "customer_id" uuid not null, "score" smallint not null, "comment" text null, "channel" text not null, "responded_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`create index "survey_response_customer_id_responded_at_index" on "survey_response" ("customer_id", "responded_at");`);
    this.addSql(`create index "survey_response_responded_at_id_index" on "survey_response" ("responded_at", "id");`);

    this.addSql(`alter type "interaction_type" add value if not exists 'CONVERSION' after 'SURVEY_RESPONSE';`);
    this.addSql(`alter table "interaction" add "external_event_id" text null, add "campaign_id" uuid null;`);
    this.addSql(`create index "interaction_campaign_id_type_index" on "interaction" ("campaign_id", "type");`);
    this.addSql(`create index "interaction_customer_id_type_occurred_at_index" on "interaction" ("customer_id", "type", "occurred_at");`);
    this.addSql(`create index "interaction_customer_id_channel_occurred_at_index" on "interaction" ("customer_id", "channel", "occurred_at");`);
    this.addSql(`alter table "interaction" add constraint "interaction_source_system_external_event_id_unique" unique ("source_system", "external_event_id");`);

    this.addSql(
      `alter table "campaign" add constraint "campaign_channel_check" check ("channel" in ('WEB', 'APP', 'EMAIL', 'SMS', 'PUSH', 'PHONE', 'CHAT', 'SOCIAL', 'MESSENGER', 'IN_STORE', 'WEBINAR'));`,
    );

    this.addSql(
      `alter table "survey_response" add constraint "survey_response_channel_check" check ("channel" in ('WEB', 'APP', 'EMAIL', 'SMS', 'PUSH', 'PHONE', 'CHAT', 'SOCIAL', 'MESSENGER', 'IN_STORE', 'WEBINAR'));`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "campaign" cascade;`);
    this.addSql(`drop table if exists "consent_state" cascade;`);
    this.addSql(`drop table if exists "customer_profile" cascade;`);
    this.addSql(`drop table if exists "opportunity_state" cascade;`);
    this.addSql(`drop table if exists "segment" cascade;`);
    this.addSql(`drop table if exists "segment_member" cascade;`);
    this.addSql(`drop table if exists "marketing_sequence" cascade;`);
    this.addSql(`drop table if exists "sequence_enrolment" cascade;`);
    this.addSql(`drop table if exists "survey_response" cascade;`);

    this.addSql(`drop index "interaction_campaign_id_type_index";`);
    this.addSql(`drop index "interaction_customer_id_type_occurred_at_index";`);
    this.addSql(`drop index "interaction_customer_id_channel_occurred_at_index";`);
    this.addSql(`alter table "interaction" drop constraint "interaction_source_system_external_event_id_unique";`);
    this.addSql(`alter table "interaction" drop column "external_event_id", drop column "campaign_id";`);

    this.addSql(`drop type "campaign_status";`);
    this.addSql(`drop type "segment_kind";`);
    this.addSql(`drop type "sequence_enrolment_status";`);
  }
}
