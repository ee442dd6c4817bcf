import { Migration } from '@mikro-orm/migrations';
import { IDEMPOTENCY_KEY_SQL } from '@crm/kit/mutations.js';

/** Mutations made with an Idempotency-Key and what they answered. */
export class Migration20261203092000_idempotency_keys extends Migration {
  override name = 'Migration20261203092000_idempotency_keys';

  override up(): void | Promise<void> {
    for (const statement of IDEMPOTENCY_KEY_SQL) this.addSql(statement);
  }
}
