import { Migration } from '@mikro-orm/migrations';

/** One reference inside sales' database: the referencing column, the table it names, and what deleting that row does. */
interface ForeignKey {
  table: string;
  column: string;
  references: string;
  onDelete: 'cascade' | 'restrict' | 'set null';
}

/**
 * Every reference between two tables of sales' own database. Ids of other subgraphs' records (customer_id, owner_id,
 * candidate_user_ids, changed_by…) live in another database and get none; sales_lead.submission_id is the web-form
 * vendor's id, not a row of web_form_submission.
 */
const FOREIGN_KEYS: ForeignKey[] = [
  // A stage is part of its pipeline. Deleting a pipeline still stops at the opportunities using it (restrict below).
  { table: 'pipeline_stage', column: 'pipeline_id', references: 'pipeline', onDelete: 'cascade' },
  // Opportunities are sales history: a pipeline or stage in use cannot be deleted from under them.
  { table: 'opportunity', column: 'pipeline_id', references: 'pipeline', onDelete: 'restrict' },
  { table: 'opportunity', column: 'stage_id', references: 'pipeline_stage', onDelete: 'restrict' },
  // A stage change is part of its opportunity's history…
  { table: 'opportunity_stage_change', column: 'opportunity_id', references: 'opportunity', onDelete: 'cascade' },
  // …and must keep naming the stages it moved between (a null from_stage_id means "created in", so not set null).
  { table: 'opportunity_stage_change', column: 'from_stage_id', references: 'pipeline_stage', onDelete: 'restrict' },
  { table: 'opportunity_stage_change', column: 'to_stage_id', references: 'pipeline_stage', onDelete: 'restrict' },
  // A quote is a sales contract kept for accounting: it outlives its opportunity as a quote without one.
  { table: 'quote', column: 'opportunity_id', references: 'opportunity', onDelete: 'set null' },
  // Lines and financing options are parts of their quote.
  { table: 'quote_line', column: 'quote_id', references: 'quote', onDelete: 'cascade' },
  { table: 'quote_financing', column: 'quote_id', references: 'quote', onDelete: 'cascade' },
  // A quoted product is deactivated, never deleted: old quotes keep their lines.
  { table: 'quote_line', column: 'product_id', references: 'product', onDelete: 'restrict' },
  // The rep's work history and the lead's conversion statistics stay when what they point at goes.
  { table: 'sales_activity', column: 'lead_id', references: 'sales_lead', onDelete: 'set null' },
  { table: 'sales_activity', column: 'opportunity_id', references: 'opportunity', onDelete: 'set null' },
  { table: 'sales_lead', column: 'converted_opportunity_id', references: 'opportunity', onDelete: 'set null' },
  // The product of interest is a hint for routing and scoring, not a reason to keep a product.
  { table: 'sales_lead', column: 'interest_product_id', references: 'product', onDelete: 'set null' },
  // Throttling records belong to their form.
  { table: 'web_form_submission', column: 'form_id', references: 'web_form', onDelete: 'cascade' },
];

/** Referencing columns no index starts with yet (the others lead an existing composite or unique index). */
const NEW_INDEXES: Array<[table: string, column: string]> = [
  ['opportunity_stage_change', 'from_stage_id'],
  ['opportunity_stage_change', 'to_stage_id'],
  ['quote_line', 'product_id'],
  ['sales_lead', 'converted_opportunity_id'],
  ['sales_lead', 'interest_product_id'],
];

const missing = (table: string, column: string, references: string) => `not exists (select 1 from "${references}" p where p."id" = "${table}"."${column}")`;

export class Migration20261204130000_foreign_keys extends Migration {
  override name = 'Migration20261204130000_foreign_keys';

  override up(): void | Promise<void> {
    // Repairs, so the constraints hold on an existing database. Nothing is deleted that can still be reached.
    // 1. Configuration rows that vanished (pipelines, stages, products) come back as visible placeholders under their
    //    old id, so opportunities, their history and quote lines (contracts) stay whole; an admin can rename or fix them.
    this.addSql(`insert into "pipeline" ("id", "created_at", "updated_at", "version", "name", "is_default")
      select "pipeline_id", now(), now(), 1, '[restored] missing pipeline', false
      from (select "pipeline_id" from "pipeline_stage" union select "pipeline_id" from "opportunity") used
      where not exists (select 1 from "pipeline" p where p."id" = used."pipeline_id");`);
    // 2. Stage changes of an opportunity that no longer exists: unreachable (read only through their opportunity) and
    //    exactly what the cascade below would have removed with it; they cannot be re-parented (no customer to give one).
    this.addSql(`delete from "opportunity_stage_change" where ${missing('opportunity_stage_change', 'opportunity_id', 'opportunity')};`);
    // 3. Missing stages, in the pipeline of an opportunity naming them, after its last stage; won or lost as the
    //    opportunities standing in them are.
    this.addSql(`with "used" as (
        select o."stage_id", o."pipeline_id", o."status" from "opportunity" o
        union all select c."to_stage_id", o."pipeline_id", null from "opportunity_stage_change" c join "opportunity" o on o."id" = c."opportunity_id"
        union all select c."from_stage_id", o."pipeline_id", null from "opportunity_stage_change" c join "opportunity" o on o."id" = c."opportunity_id"
          where c."from_stage_id" is not null
      ), "gone" as (
        select "stage_id", min("pipeline_id"::text)::uuid as "pipeline_id",
          coalesce(bool_and("status" = 'WON') filter (where "status" is not null), false) as "is_won",
          coalesce(bool_and("status" = 'LOST') filter (where "status" is not null), false) as "is_lost"
        from "used" where not exists (select 1 from "pipeline_stage" s where s."id" = "used"."stage_id")
        group by "stage_id"
      )
      insert into "pipeline_stage" ("id", "created_at", "updated_at", "version", "pipeline_id", "name", "position", "probability", "is_won", "is_lost")
      select g."stage_id", now(), now(), 1, g."pipeline_id", '[restored] missing stage',
        coalesce((select max(s."position") from "pipeline_stage" s where s."pipeline_id" = g."pipeline_id"), -1)
          + row_number() over (partition by g."pipeline_id" order by g."stage_id"),
        case when g."is_won" then 100 else 0 end, g."is_won", g."is_lost"
      from "gone" g;`);
    // 4. A quote whose opportunity is gone stays, as a quote without one (what `set null` does from now on).
    this.addSql(`update "quote" set "opportunity_id" = null where "opportunity_id" is not null and ${missing('quote', 'opportunity_id', 'opportunity')};`);
    // 5. Lines and financing options of a quote that no longer exists: unreachable parts of it, what the cascade
    //    would have removed; a quote cannot be restored for them (its customer and totals are unknown).
    this.addSql(`delete from "quote_line" where ${missing('quote_line', 'quote_id', 'quote')};`);
    this.addSql(`delete from "quote_financing" where ${missing('quote_financing', 'quote_id', 'quote')};`);
    // 6. A quoted product that vanished comes back inactive (it cannot be quoted again), named and priced as its
    //    latest line says; its category is unknown: ACCESSORY, the least specific, until someone corrects it.
    const columns = `"id", "created_at", "updated_at", "version", "sku", "name", "category", "list_price_amount", "list_price_currency", "active"`;
    this.addSql(`insert into "product" (${columns})
      select distinct on (l."product_id") l."product_id", now(), now(), 1, '[restored] ' || l."product_id", l."description", 'ACCESSORY'::"product_category",
        l."unit_price_amount", l."currency", false
      from "quote_line" l where ${missing('l', 'product_id', 'product')}
      order by l."product_id", l."created_at" desc;`);
    // 7. Optional references to something gone are cleared, as `set null` will do.
    for (const { table, column, references, onDelete } of FOREIGN_KEYS) {
      if (onDelete !== 'set null') continue;
      this.addSql(`update "${table}" set "${column}" = null where "${column}" is not null and ${missing(table, column, references)};`);
    }
    // 8. Throttling records of a form that no longer exists: they only count recent submissions (swept after a day);
    //    dropping them at most lets a few more through from the same address or e-mail within the hour.
    this.addSql(`delete from "web_form_submission" where ${missing('web_form_submission', 'form_id', 'web_form')};`);

    for (const [table, column] of NEW_INDEXES) this.addSql(`create index "${table}_${column}_index" on "${table}" ("${column}");`);
    for (const { table, column, references, onDelete } of FOREIGN_KEYS) {
      this.addSql(
        `alter table "${table}" add constraint "${table}_${column}_foreign" foreign key ("${column}") references "${references}" ("id") on delete ${onDelete};`,
      );
    }
  }

  override down(): void | Promise<void> {
    // Restored placeholders stay: they are valid rows, and removing them would leave references dangling again.
    for (const { table, column } of [...FOREIGN_KEYS].reverse()) this.addSql(`alter table "${table}" drop constraint "${table}_${column}_foreign";`);
    for (const [table, column] of NEW_INDEXES) this.addSql(`drop index "${table}_${column}_index";`);
  }
}
