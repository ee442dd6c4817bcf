import { Migration } from '@mikro-orm/migrations';

export class Migration20261204104905_access_control extends Migration {
  override name = 'Migration20261204104905_access_control';

  override up(): void | Promise<void> {
    this.addSql(`create type "access_rule_scope" as enum ('ORGANIZATION', 'ROLE');`);
    this.addSql(`create type "audit_outcome" as enum ('DONE', 'DENIED');`);
    this.addSql(
      `create table "access_rule" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, "applies_to" text not null, "scope" "access_rule_scope" not null, "role" "staff_role" null, "cidrs" text[] not null, "hours" jsonb null, primary key ("id"));`,
    );
    this.addSql(`alter table "access_rule" add constraint "access_rule_applies_to_unique" unique ("applies_to");`);

    this.addSql(
      `create table "api_key" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, "name" text not null, "prefix" text not null, "secret_hash" text not null, "scopes" text[] not null, "allowed_cidrs" text[] not null, "allowed_hours" jsonb null, "expires_at" timestamptz null, "revoked_at" timestamptz null, "last_used_at" timestamptz null, "created_by" text not null, primary key ("id"));`,
    );
    this.addSql(`alter table "api_key" add constraint "api_key_secret_hash_unique" unique ("secret_hash");`);
    this.addSql(`create index "api_key_created_at_id_index" on "api_key" ("created_at", "id");`);

    this.addSql(
      `create table "audit_entry" ("id" uuid not null, "at" timestamptz not null, "actor_id" text not null, "actor_kind" text not null, "operation" text not null, "outcome" "audit_outcome" not null, "entity_type" text null, "entity_id" text null, "details" jsonb null, "reason" text null, "request_id" text null, "client_ip" text null, "service" text not null, primary key ("id"));`,
    );
    this.addSql(`create index "audit_entry_operation_at_id_index" on "audit_entry" ("operation", "at", "id");`);
    this.addSql(`create index "audit_entry_entity_id_at_id_index" on "audit_entry" ("entity_id", "at", "id");`);
    this.addSql(`create index "audit_entry_actor_id_at_id_index" on "audit_entry" ("actor_id", "at", "id");`);
    this.addSql(`create index "audit_entry_at_id_index" on "audit_entry" ("at", "id");`);

    // The application may only append to the audit log: changing or deleting an entry is refused by the database.
    this.addSql(`create function "audit_entry_append_only"() returns trigger as $$
      begin raise exception 'the audit log is append-only: entries cannot be changed or deleted'; end; $$ language plpgsql;`);
    this.addSql(`create trigger "audit_entry_append_only" before update or delete or truncate on "audit_entry"
      for each statement execute function "audit_entry_append_only"();`);

    // A manager leads sales teams: the role is named for what it may do (kit/access/permissions.ts).
    this.addSql(`alter type "staff_role" rename value 'MANAGER' to 'SALES_MANAGER';`);
    this.addSql(`alter type "staff_role" add value if not exists 'ANALYST' after 'SERVICE_AGENT';`);
    this.addSql(`alter table "staff_user" add "subject" text null, add "support_lines" text[] not null default '{}';`);
    this.addSql(`alter table "staff_user" add constraint "staff_user_subject_unique" unique ("subject");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "access_rule" cascade;`);
    this.addSql(`drop table if exists "api_key" cascade;`);
    this.addSql(`drop table if exists "audit_entry" cascade;`);
    this.addSql(`drop function if exists "audit_entry_append_only"();`);
    this.addSql(`alter type "staff_role" rename value 'SALES_MANAGER' to 'MANAGER';`);
    this.addSql(`alter table "staff_user" drop constraint "staff_user_subject_unique";`);
    this.addSql(`alter table "staff_user" drop column "subject", drop column "support_lines";`);
    this.addSql(`drop type "access_rule_scope";`);
    this.addSql(`drop type "audit_outcome";`);
  }
}
