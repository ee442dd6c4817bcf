import { Migration } from '@mikro-orm/migrations';

/**
 * Every reference between two tables of marketing's own database. Customer ids (and the pipeline, stage, owner and
 * opportunity ids of the sales projections opportunity_state and quote_snapshot) are other subgraphs' records, copied
 * here by events that may come in any order or be erased: they get no foreign key.
 */
const FOREIGN_KEYS: Array<{ table: string; column: string; references: string; onDelete: 'cascade' | 'restrict' | 'set null' }> = [
  // A campaign's audience cannot vanish under it: segments are archived, not deleted.
  { table: 'campaign', column: 'segment_id', references: 'segment', onDelete: 'restrict' },
  // A hand-picked membership is part of its segment.
  { table: 'segment_member', column: 'segment_id', references: 'segment', onDelete: 'cascade' },
  // Enrolments are the sequence's history and statistics (erasure keeps them too): sequences are archived, not deleted.
  { table: 'sequence_enrolment', column: 'sequence_id', references: 'marketing_sequence', onDelete: 'restrict' },
  // The interaction is the customer's timeline and stays; only its attribution to the campaign goes.
  { table: 'interaction', column: 'campaign_id', references: 'campaign', onDelete: 'set null' },
];

export class Migration20261204130000_foreign_keys extends Migration {
  override name = 'Migration20261204130000_foreign_keys';

  override up(): void | Promise<void> {
    // Repairs, so the constraints hold on an existing database; no row is deleted.
    // A segment or sequence that vanished comes back archived, under its old id, so the campaigns, memberships and
    // enrolments naming it stay whole (an archived sequence without steps completes its enrolments on their next step).
    this.addSql(`insert into "segment" ("id", "created_at", "updated_at", "version", "name", "kind", "archived_at")
      select "segment_id", now(), now(), 1, '[restored] missing segment', 'STATIC'::"segment_kind", now()
      from (select "segment_id" from "campaign" union select "segment_id" from "segment_member") used
      where not exists (select 1 from "segment" s where s."id" = used."segment_id");`);
    this.addSql(`insert into "marketing_sequence" ("id", "created_at", "updated_at", "version", "name", "steps", "archived_at")
      select distinct e."sequence_id", now(), now(), 1, '[restored] ' || e."sequence_id", '[]'::jsonb, now() from "sequence_enrolment" e
      where not exists (select 1 from "marketing_sequence" s where s."id" = e."sequence_id");`);
    // An interaction attributed to a campaign that is gone stays, unattributed (what `set null` does from now on).
    this.addSql(`update "interaction" set "campaign_id" = null
      where "campaign_id" is not null and not exists (select 1 from "campaign" c where c."id" = "interaction"."campaign_id");`);

    // Every referencing column already leads an index (campaign_segment_id_index, segment_member's unique
    // (segment_id, customer_id), sequence_enrolment_sequence_id_created_at_id_index, interaction_campaign_id_type_index).
    for (const { table, column, references, onDelete } of FOREIGN_KEYS) {
      this.addSql(
        `alter table "${table}" add constraint "${table}_${column}_foreign" foreign key ("${column}") references "${references}" ("id") on delete ${onDelete};`,
      );
    }
  }

  override down(): void | Promise<void> {
    // Restored placeholders stay: they are valid rows, and removing them would leave references dangling again.
    for (const { table, column } of [...FOREIGN_KEYS].reverse()) this.addSql(`alter table "${table}" drop constraint "${table}_${column}_foreign";`);
  }
}
