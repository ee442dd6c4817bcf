import { Migration } from '@mikro-orm/migrations';

/**
 * Every reference between two tables of service's own database. Customer ids (customer_id, author_customer_id) and
 * staff ids (assignee_id, author_user_id) are identity's records in another database: they get no foreign key.
 */
const FOREIGN_KEYS: Array<{ table: string; column: string; references: string; onDelete: 'cascade' | 'restrict' | 'set null' }> = [
  // A message is part of its case's conversation.
  { table: 'case_message', column: 'case_id', references: 'support_case', onDelete: 'cascade' },
  // A visit is part of its asset's service history.
  { table: 'service_visit', column: 'asset_id', references: 'asset', onDelete: 'cascade' },
];

export class Migration20261204130000_foreign_keys extends Migration {
  override name = 'Migration20261204130000_foreign_keys';

  override up(): void | Promise<void> {
    // Repair, so the constraints hold on an existing database: messages of a case and visits of an asset that no
    // longer exist are deleted. They are unreachable (read, exported and erased only through their case or asset),
    // exactly what the cascades below would have removed with their parent, and cannot be re-parented: a case or an
    // asset cannot be restored without inventing its customer. Cases and assets themselves are never deleted (erasure
    // anonymizes them), so there should be none.
    this.addSql(`delete from "case_message" where not exists (select 1 from "support_case" c where c."id" = "case_message"."case_id");`);
    this.addSql(`delete from "service_visit" where not exists (select 1 from "asset" a where a."id" = "service_visit"."asset_id");`);

    // Both columns already lead an index: case_message_case_id_sent_at_id_index, service_visit_asset_id_created_at_id_index.
    for (const { table, column, references, onDelete } of FOREIGN_KEYS) {
      this.addSql(
        `alter table "${table}" add constraint "${table}_${column}_foreign" foreign key ("${column}") references "${references}" ("id") on delete ${onDelete};`,
      );
    }
  }

  override down(): void | Promise<void> {
    for (const { table, column } of [...FOREIGN_KEYS].reverse()) this.addSql(`alter table "${table}" drop constraint "${table}_${column}_foreign";`);
  }
}
