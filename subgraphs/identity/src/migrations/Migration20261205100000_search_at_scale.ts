import { Migration } from '@mikro-orm/migrations';

/**
 * Search that reads what it shows, not every match (issue 11: within 2× at a million customers of 10,000): the best
 * names come from a GiST trigram index in similarity order, e-mail and phone prefixes from a byte-ordered index.
 * The GIN index on identifier values served only the fuzzy contact match, which search no longer does.
 */
export class Migration20261205100000_search_at_scale extends Migration {
  override name = 'Migration20261205100000_search_at_scale';

  override up(): void | Promise<void> {
    this.addSql(
      `create index "customer_sort_name_nearest_index" on "customer" using gist ("sort_name" gist_trgm_ops(siglen=256)) where "merged_into_id" is null and "archived_at" is null;`,
    );
    this.addSql(`create index "customer_identifier_value_prefix_index" on "customer_identifier" ("value" collate "C");`);
    this.addSql(`drop index "customer_identifier_value_trgm_index";`);
  }

  override down(): void | Promise<void> {
    this.addSql(`create index "customer_identifier_value_trgm_index" on "customer_identifier" using gin ("value" gin_trgm_ops);`);
    this.addSql(`drop index "customer_identifier_value_prefix_index";`);
    this.addSql(`drop index "customer_sort_name_nearest_index";`);
  }
}
