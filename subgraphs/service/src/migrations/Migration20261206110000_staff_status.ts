import { Migration } from '@mikro-orm/migrations';

/** Whether each member of staff is active, kept from identity's events (modules/staff/staff-status.entity.ts). */
export class Migration20261206110000_staff_status extends Migration {
  override name = 'Migration20261206110000_staff_status';

  override up(): void | Promise<void> {
    this.addSql(`create table "staff_status" ("user_id" uuid not null, "active" boolean not null, "user_version" int not null, primary key ("user_id"));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "staff_status" cascade;`);
  }
}
