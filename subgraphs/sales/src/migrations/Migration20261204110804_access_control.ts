import { Migration } from '@mikro-orm/migrations';

export class Migration20261204110804_access_control extends Migration {
  override name = 'Migration20261204110804_access_control';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "web_form" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, "name" text not null, "public_key" text not null, "active" boolean not null default true, primary key ("id"));`,
    );
    this.addSql(`alter table "web_form" add constraint "web_form_public_key_unique" unique ("public_key");`);

    this.addSql(
      `create table "web_form_submission" ("id" uuid not null, "form_id" uuid not null, "address_hash" text null, "email_hash" text null, "submitted_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`create index "web_form_submission_email_hash_submitted_at_index" on "web_form_submission" ("email_hash", "submitted_at");`);
    this.addSql(`create index "web_form_submission_address_hash_submitted_at_index" on "web_form_submission" ("address_hash", "submitted_at");`);
    this.addSql(`create index "web_form_submission_form_id_submitted_at_index" on "web_form_submission" ("form_id", "submitted_at");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "web_form" cascade;`);
    this.addSql(`drop table if exists "web_form_submission" cascade;`);
  }
}
