import { Migration } from '@mikro-orm/migrations';

/**
 * Whether a member of staff is active, beside their name (modules/staff/staff-name.entity.ts): lead routing passes
 * over someone identity deactivated. The copy is emptied, since it cannot tell who left before: it fills again from
 * identity's API, status included, at the first read that needs a name (staff-names.ts), and from its events.
 */
export class Migration20261206110000_staff_active extends Migration {
  override name = 'Migration20261206110000_staff_active';

  override up(): void | Promise<void> {
    this.addSql(`alter table "staff_name" add column "active" boolean not null default true;`);
    this.addSql(`delete from "staff_name";`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "staff_name" drop column "active";`);
  }
}
