import { Migration } from '@mikro-orm/migrations';

export class Migration20261125145356_initial extends Migration {
  override name = 'Migration20261125145356_initial';

  override up(): void | Promise<void> {
    this.addSql(
      `create type "interaction_channel" as enum ('WEB', 'APP', 'EMAIL', 'SMS', 'PUSH', 'PHONE', 'CHAT', 'SOCIAL', 'MESSENGER', 'IN_STORE', 'WEBINAR');`,
    );
    this.addSql(
      `create type "interaction_type" as enum ('PAGE_VIEW', 'FORM_SUBMIT', 'DOWNLOAD', 'SEARCH', 'CART_ABANDONED', 'MESSAGE_SENT', 'MESSAGE_DELIVERED', 'MESSAGE_OPENED', 'MESSAGE_CLICKED', 'CALL', 'MEETING', 'VISIT', 'QUOTE_SENT', 'QUOTE_VIEWED', 'CASE_MESSAGE', 'SURVEY_RESPONSE');`,
    );
    this.addSql(
      `create table "interaction" ("id" uuid not null, "customer_id" uuid null, "anonymous_id" text null, "channel" "interaction_channel" not null, "type" "interaction_type" not null, "occurred_at" timestamptz not null, "source_system" text null, "properties" jsonb not null, "recorded_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`create index "interaction_anonymous_id_occurred_at_id_index" on "interaction" ("anonymous_id", "occurred_at", "id");`);
    this.addSql(`create index "interaction_customer_id_occurred_at_id_index" on "interaction" ("customer_id", "occurred_at", "id");`);
  }
}
