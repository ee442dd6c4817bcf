import { Migration } from '@mikro-orm/migrations';

export class Migration20261125153019_consumers extends Migration {
  override name = 'Migration20261125153019_consumers';

  override up(): void | Promise<void> {
    this.addSql(`create table "consumer_checkpoint" ("consumer" text not null, "cursor" text not null, primary key ("consumer"));`);

    this.addSql(
      `create table "processed_event" ("consumer" text not null, "event_id" uuid not null, "processed_at" timestamptz not null, primary key ("consumer", "event_id"));`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "consumer_checkpoint" cascade;`);
    this.addSql(`drop table if exists "processed_event" cascade;`);
  }
}
