import { Migration } from '@mikro-orm/migrations';

/** The tables whose changes can change a customer's membership of a DYNAMIC segment, by their customer id column. */
const WATCHED = [
  ['interaction', 'customer_id'],
  ['consent_state', 'customer_id'],
  ['opportunity_state', 'customer_id'],
  ['customer_profile', 'id'],
] as const;

/**
 * DYNAMIC segments' kept membership (segment.kept-members.ts): a segment's size counted from the customers who
 * matched its rules when last refreshed, instead of evaluating the rules over every profile (ADR 12, Data size).
 * A statement-level trigger on each watched table marks the customers a statement touched as stale, in its own
 * transaction, so a refresh that runs after it commits evaluates them again.
 */
export class Migration20261207024104_segment_kept_members extends Migration {
  override name = 'Migration20261207024104_segment_kept_members';

  override up(): void | Promise<void> {
    this.addSql(`create table "segment_kept_member" ("segment_id" uuid not null, "customer_id" uuid not null, primary key ("segment_id", "customer_id"));`);
    this.addSql(
      `create table "segment_recheck" ("segment_id" uuid not null, "customer_id" uuid not null, "due_at" timestamptz not null, primary key ("segment_id", "customer_id"));`,
    );
    this.addSql(`create index "segment_recheck_due_at_index" on "segment_recheck" ("due_at");`);
    this.addSql(`create table "segment_stale_customer" ("id" bigserial primary key, "customer_id" uuid not null);`);
    // Null for the segments there are: the job evaluates each of them whole before their sizes count kept members.
    this.addSql(`alter table "segment" add "kept_rules" jsonb null;`);
    for (const [table, column] of WATCHED) {
      const fn = `${table}_marks_segment_stale`;
      this.addSql(`create function "${fn}"() returns trigger language plpgsql as $$
        begin
          if tg_op <> 'DELETE' then
            insert into segment_stale_customer (customer_id) select distinct ${column} from new_rows where ${column} is not null;
          end if;
          if tg_op <> 'INSERT' then
            insert into segment_stale_customer (customer_id) select distinct ${column} from old_rows where ${column} is not null;
          end if;
          return null;
        end $$;`);
      // A trigger with transition tables fires for one kind of statement only: three of them.
      this.addSql(`create trigger "${table}_segment_stale_insert" after insert on "${table}" referencing new table as new_rows
        for each statement execute function "${fn}"();`);
      this.addSql(`create trigger "${table}_segment_stale_update" after update on "${table}" referencing old table as old_rows new table as new_rows
        for each statement execute function "${fn}"();`);
      this.addSql(`create trigger "${table}_segment_stale_delete" after delete on "${table}" referencing old table as old_rows
        for each statement execute function "${fn}"();`);
    }
  }

  override down(): void | Promise<void> {
    for (const [table] of WATCHED) {
      for (const kind of ['insert', 'update', 'delete']) this.addSql(`drop trigger if exists "${table}_segment_stale_${kind}" on "${table}";`);
      this.addSql(`drop function if exists "${table}_marks_segment_stale"();`);
    }
    this.addSql(`drop table if exists "segment_kept_member";`);
    this.addSql(`drop table if exists "segment_recheck";`);
    this.addSql(`drop table if exists "segment_stale_customer";`);
    this.addSql(`alter table "segment" drop column "kept_rules";`);
  }
}
