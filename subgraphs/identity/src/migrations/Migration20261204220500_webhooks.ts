import { Migration } from '@mikro-orm/migrations';

/** Partners' webhook endpoints and their delivery log (ADR 17). */
export class Migration20261204220500_webhooks extends Migration {
  override name = 'Migration20261204220500_webhooks';

  override up(): void | Promise<void> {
    this.addSql(`create type "webhook_endpoint_status" as enum ('ACTIVE', 'PAUSED');`);
    this.addSql(`create type "webhook_owner_kind" as enum ('USER', 'API_KEY');`);
    this.addSql(`create type "webhook_delivery_status" as enum ('PENDING', 'FAILING', 'DELIVERED');`);
    this.addSql(
      `create table "webhook_endpoint" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, "url" text not null, "description" text null, "event_types" text[] not null, "status" "webhook_endpoint_status" not null default 'ACTIVE', "owner_kind" "webhook_owner_kind" not null, "owner_id" text not null, "sealed_secret" text not null, "paused_at" timestamptz null, "paused_reason" text null, "consecutive_failures" int not null default 0, "failing_since" timestamptz null, "last_delivered_at" timestamptz null, primary key ("id"));`,
    );
    this.addSql(`create index "webhook_endpoint_owner_id_index" on "webhook_endpoint" ("owner_id");`);
    this.addSql(`create index "webhook_endpoint_event_types_index" on "webhook_endpoint" using gin ("event_types");`);
    this.addSql(`create index "webhook_endpoint_created_at_id_index" on "webhook_endpoint" ("created_at", "id");`);

    this.addSql(
      `create table "webhook_delivery" ("id" uuid not null, "sequence" bigserial, "endpoint_id" uuid not null, "event_id" uuid not null, "event_type" text not null, "event_cursor" text not null, "aggregate_type" text not null, "aggregate_id" text not null, "occurred_at" timestamptz not null, "payload" jsonb not null, "replay" boolean not null default false, "status" "webhook_delivery_status" not null default 'PENDING', "attempt" int not null default 0, "failed_in_row" int not null default 0, "response_status" int null, "response_body" text null, "error" text null, "duration_ms" int null, "next_attempt_at" timestamptz null, "delivered_at" timestamptz null, "attempt_log" jsonb not null, "created_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`alter table "webhook_delivery" add constraint "webhook_delivery_sequence_unique" unique ("sequence");`);
    this.addSql(`create index "webhook_delivery_created_at_index" on "webhook_delivery" ("created_at");`);
    this.addSql(`create index "webhook_delivery_endpoint_id_event_cursor_index" on "webhook_delivery" ("endpoint_id", "event_cursor");`);
    this.addSql(`create unique index "webhook_delivery_event_unique" on "webhook_delivery" ("endpoint_id", "event_id") where not "replay";`);
    this.addSql(
      `create index "webhook_delivery_queue_index" on "webhook_delivery" ("endpoint_id", "aggregate_type", "aggregate_id", "sequence") where "status" <> 'DELIVERED';`,
    );
    this.addSql(`create index "webhook_delivery_endpoint_id_sequence_index" on "webhook_delivery" ("endpoint_id", "sequence");`);

    this.addSql(
      `alter table "webhook_delivery" add constraint "webhook_delivery_endpoint_id_foreign" foreign key ("endpoint_id") references "webhook_endpoint" ("id") on delete cascade;`,
    );
  }
}
