import { Migration } from '@mikro-orm/migrations';
import { OUTBOX_COMMIT_ORDER_TABLE_SQL } from '@crm/kit/outbox-commit-order.js';

/** Commit order in a table of its own: numbering an event no longer rewrites it (ADR 5). */
export class Migration20261205190000_outbox_commit_order_table extends Migration {
  override name = 'Migration20261205190000_outbox_commit_order_table';

  override up(): void | Promise<void> {
    for (const statement of OUTBOX_COMMIT_ORDER_TABLE_SQL) this.addSql(statement);
  }
}
