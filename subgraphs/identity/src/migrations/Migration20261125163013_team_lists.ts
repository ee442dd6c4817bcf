import { Migration } from '@mikro-orm/migrations';

export class Migration20261125163013_team_lists extends Migration {
  override name = 'Migration20261125163013_team_lists';

  override up(): void | Promise<void> {
    this.addSql(`create index "staff_user_name_id_index" on "staff_user" ("name", "id");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "staff_user_name_id_index";`);
  }
}
