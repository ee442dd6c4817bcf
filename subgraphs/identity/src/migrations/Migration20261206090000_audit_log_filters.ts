import { Migration } from '@mikro-orm/migrations';

/**
 * Query.auditLog filtered by outcome (the refusals) or by entityType (a kind of record's changes) reads what it
 * shows: no index had either column, so each page and each count read the whole log, which gets an entry for every
 * mutation, sign-in and key use (40,020 rows for 10 refusals among 20,010 entries). Each index is in the log's
 * order (newest first, walked backward), like those of actor, entity and operation.
 */
export class Migration20261206090000_audit_log_filters extends Migration {
  override name = 'Migration20261206090000_audit_log_filters';

  override up(): void | Promise<void> {
    this.addSql(`create index "audit_entry_outcome_at_id_index" on "audit_entry" ("outcome", "at", "id");`);
    this.addSql(`create index "audit_entry_entity_type_at_id_index" on "audit_entry" ("entity_type", "at", "id");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "audit_entry_entity_type_at_id_index";`);
    this.addSql(`drop index "audit_entry_outcome_at_id_index";`);
  }
}
