import { Migration } from '@mikro-orm/migrations';

/** Staff names, for owners' names answered by sales (modules/staff/staff-name.entity.ts). */
export class Migration20261205210000_staff_names extends Migration {
  override name = 'Migration20261205210000_staff_names';

  override up(): void | Promise<void> {
    this.addSql(`create table "staff_name" ("user_id" uuid not null, "name" text not null, "user_version" int not null, primary key ("user_id"));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "staff_name" cascade;`);
  }
}
