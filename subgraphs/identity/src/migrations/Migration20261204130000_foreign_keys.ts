import { Migration } from '@mikro-orm/migrations';

/**
 * The one reference inside identity's database that had no foreign key: an erasure request's subject. (Customers'
 * organizations and merges, identifiers, consents and teams have theirs since the domain migration.)
 */
export class Migration20261204130000_foreign_keys extends Migration {
  override name = 'Migration20261204130000_foreign_keys';

  override up(): void | Promise<void> {
    // Repair: an erasure request is the record that a person's data was erased, so it is never dropped. Erasure keeps
    // the customer row as an empty, archived shell; a request whose customer row is missing (deleted by hand) gets
    // that same shell back under the missing id.
    this.addSql(`insert into "customer" ("id", "created_at", "updated_at", "version", "kind", "sort_name", "archived_at")
      select r."customer_id", now(), now(), 1, 'PERSON'::"customer_kind", '', now() from (select distinct "customer_id" from "erasure_request") r
      where not exists (select 1 from "customer" c where c."id" = r."customer_id");`);

    // restrict: customers are never deleted (erasure empties them), and the request must keep naming its subject.
    this.addSql(`create index "erasure_request_customer_id_index" on "erasure_request" ("customer_id");`);
    this.addSql(
      `alter table "erasure_request" add constraint "erasure_request_customer_id_foreign" foreign key ("customer_id") references "customer" ("id") on delete restrict;`,
    );
  }

  override down(): void | Promise<void> {
    // The restored shells stay: they are valid rows, and removing them would leave the requests dangling again.
    this.addSql(`alter table "erasure_request" drop constraint "erasure_request_customer_id_foreign";`);
    this.addSql(`drop index "erasure_request_customer_id_index";`);
  }
}
