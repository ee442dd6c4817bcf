import { Migration } from '@mikro-orm/migrations';

/**
 * The timeline's entries for other domains' records name them and no longer copy their content: a call's subject, a
 * quote's total and cars, a case message's text (interaction.handlers.ts). The copies made before are removed.
 */
export class Migration20261206140000_timeline_references extends Migration {
  override name = 'Migration20261206140000_timeline_references';

  override up(): void | Promise<void> {
    this.addSql(
      `update "interaction" set "properties" = "properties" - 'subject'
       where "source_system" = 'sales' and "type" in ('CALL', 'MEETING') and "properties" ->> 'activityId' is not null;`,
    );
    this.addSql(
      `update "interaction" set "properties" = "properties" - 'total' - 'products'
       where "source_system" = 'sales' and "type" in ('QUOTE_SENT', 'QUOTE_VIEWED', 'DOWNLOAD') and "properties" ->> 'quoteId' is not null;`,
    );
    this.addSql(
      `update "interaction" set "properties" = "properties" - 'text'
       where "source_system" = 'service' and "type" = 'CASE_MESSAGE' and "properties" ->> 'caseId' is not null;`,
    );
  }

  override down(): void | Promise<void> {
    // The removed copies are not restored: their owners (sales, service) hold the records.
  }
}
