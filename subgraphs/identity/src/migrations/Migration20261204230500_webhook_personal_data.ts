import { Migration } from '@mikro-orm/migrations';

/** A person's webhook deliveries, found by the entity they are about or the customer they name (export and erasure). */
export class Migration20261204230500_webhook_personal_data extends Migration {
  override name = 'Migration20261204230500_webhook_personal_data';

  override up(): void | Promise<void> {
    this.addSql(`create index "webhook_delivery_aggregate_id_index" on "webhook_delivery" ("aggregate_id");`);
    this.addSql(`create index "webhook_delivery_customer_index" on "webhook_delivery" (("payload"->>'customerId'));`);
  }
}
