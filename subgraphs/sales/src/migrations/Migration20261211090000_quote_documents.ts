import { Migration } from '@mikro-orm/migrations';

/**
 * Quotes are delivered and tracked (issue 12): the PDF kept for each version sent, every open and download of a
 * quote with its kind and time, and the language a quote is written in (unset for existing quotes: the default).
 */
export class Migration20261211090000_quote_documents extends Migration {
  override name = 'Migration20261211090000_quote_documents';

  override up(): void | Promise<void> {
    this.addSql(`alter table "quote" add "language" text null;`);

    this.addSql(
      `create table "quote_document" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, "quote_id" uuid not null, "quote_version" int not null, "language" text not null, "size_bytes" int not null, "content" bytea not null, primary key ("id"));`,
    );
    this.addSql(`alter table "quote_document" add constraint "quote_document_quote_id_quote_version_unique" unique ("quote_id", "quote_version");`);
    this.addSql(
      `alter table "quote_document" add constraint "quote_document_quote_id_foreign" foreign key ("quote_id") references "quote" ("id") on delete cascade;`,
    );

    this.addSql(`create type "quote_view_kind" as enum ('OPENED', 'DOWNLOADED');`);
    this.addSql(
      `create table "quote_view" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, "quote_id" uuid not null, "kind" "quote_view_kind" not null, "channel" text null, "viewed_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`create index "quote_view_quote_id_viewed_at_index" on "quote_view" ("quote_id", "viewed_at");`);
    this.addSql(`alter table "quote_view" add constraint "quote_view_quote_id_foreign" foreign key ("quote_id") references "quote" ("id") on delete cascade;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "quote_view" cascade;`);
    this.addSql(`drop type if exists "quote_view_kind";`);
    this.addSql(`drop table if exists "quote_document" cascade;`);
    this.addSql(`alter table "quote" drop column "language";`);
  }
}
