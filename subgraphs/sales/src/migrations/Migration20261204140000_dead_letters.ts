import { Migration } from '@mikro-orm/migrations';
import { DEAD_LETTER_SQL } from '@crm/kit/consumer.js';

/** Events its consumers could not read (they break the event catalog's contract), set aside with the reason. */
export class Migration20261204140000_dead_letters extends Migration {
  override name = 'Migration20261204140000_dead_letters';

  override up(): void | Promise<void> {
    for (const statement of DEAD_LETTER_SQL) this.addSql(statement);
  }
}
