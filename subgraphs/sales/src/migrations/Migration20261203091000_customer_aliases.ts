import { Migration } from '@mikro-orm/migrations';
import { CUSTOMER_ALIAS_SQL } from '@crm/kit/customer-aliases.js';

/** Merged customers' ids, so writes naming one land on the survivor. */
export class Migration20261203091000_customer_aliases extends Migration {
  override name = 'Migration20261203091000_customer_aliases';

  override up(): void | Promise<void> {
    for (const statement of CUSTOMER_ALIAS_SQL) this.addSql(statement);
  }
}
