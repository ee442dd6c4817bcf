import { Migration } from '@mikro-orm/migrations';

export class Migration20261204120448_erasure_requests extends Migration {
  override name = 'Migration20261204120448_erasure_requests';

  override up(): void | Promise<void> {
    this.addSql(`create type "erasure_status" as enum ('IN_PROGRESS', 'COMPLETED');`);
    this.addSql(
      `create table "erasure_request" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, "customer_id" uuid not null, "customer_ids" text[] not null, "reason" text not null, "requested_by" text not null, "status" "erasure_status" not null default 'IN_PROGRESS', "progress" jsonb not null default '{}', "completed_at" timestamptz null, primary key ("id"));`,
    );
    this.addSql(`create index "erasure_request_status_created_at_index" on "erasure_request" ("status", "created_at");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "erasure_request" cascade;`);
    this.addSql(`drop type "erasure_status";`);
  }
}
