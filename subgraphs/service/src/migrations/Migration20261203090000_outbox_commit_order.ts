import { Migration } from '@mikro-orm/migrations';
import { OUTBOX_COMMIT_ORDER_SQL } from '@crm/kit/outbox-commit-order.js';

/** The outbox is numbered in commit order (ADR 5). */
export class Migration20261203090000_outbox_commit_order extends Migration {
  override name = 'Migration20261203090000_outbox_commit_order';

  override up(): void | Promise<void> {
    for (const statement of OUTBOX_COMMIT_ORDER_SQL) this.addSql(statement);
  }
}
