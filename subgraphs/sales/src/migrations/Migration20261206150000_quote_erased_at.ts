import { Migration } from '@mikro-orm/migrations';

/**
 * A quote whose customer was erased keeps its figures (a sales contract) and now says when its person was erased: its
 * link to the customer no longer opens, records nothing and makes no new document.
 */
export class Migration20261206150000_quote_erased_at extends Migration {
  override name = 'Migration20261206150000_quote_erased_at';

  override up(): void | Promise<void> {
    this.addSql(`alter table "quote" add "erased_at" timestamptz null;`);
    // Quotes erased before: the erasure wrote this title over theirs.
    this.addSql(`update "quote" set "erased_at" = "updated_at" where "title" = '[erased]';`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "quote" drop column "erased_at";`);
  }
}
