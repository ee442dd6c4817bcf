import { Migration } from '@mikro-orm/migrations';

export class Migration20261125150644_outbox extends Migration {
  override name = 'Migration20261125150644_outbox';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "outbox_event" ("position" bigserial primary key, "id" uuid not null, "type" text not null, "aggregate_type" text not null, "aggregate_id" text not null, "payload" jsonb not null, "occurred_at" timestamptz not null, "tx_id" xid8 null default pg_current_xact_id());`,
    );
    this.addSql(`alter table "outbox_event" add constraint "outbox_event_id_unique" unique ("id");`);
    this.addSql(`create index "outbox_event_occurred_at_index" on "outbox_event" ("occurred_at");`);
    this.addSql(`create index "outbox_event_aggregate_id_position_index" on "outbox_event" ("aggregate_id", "position");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "outbox_event" cascade;`);
  }
}
