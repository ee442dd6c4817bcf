/**
 * Commit-ordered outbox numbering (ADR 5). Each outbox row gets `seq` from a deferred trigger, i.e. while its
 * transaction commits, under a per-database advisory lock held until the commit is done. So seq order is commit
 * order: once the relay has seen seq N, no smaller seq can still commit, and it reads `seq > N` without waiting for
 * any other transaction on the server. Only transactions that write events serialize, and only for their commit.
 * Each subgraph's migration applies these statements (the first version: `seq` a column of the outbox row itself).
 */
export const OUTBOX_COMMIT_ORDER_SQL = [
  `create sequence if not exists "outbox_event_seq"`,
  `alter table "outbox_event" add column if not exists "seq" bigint null`,
  // Rows written before this migration keep their write order.
  `update "outbox_event" set "seq" = "position" where "seq" is null`,
  `select setval('outbox_event_seq', greatest((select max("position") from "outbox_event"), 1))`,
  `alter table "outbox_event" add constraint "outbox_event_seq_unique" unique ("seq")`,
  // Rows still being written: the trigger finds its transaction's own rows through this small index.
  `create index "outbox_event_unnumbered_index" on "outbox_event" ("position") where "seq" is null`,
  `create or replace function outbox_event_number_at_commit() returns trigger language plpgsql as $$
   begin
     -- The first row of a transaction numbers all of them, in write order; the other rows find nothing left.
     if exists (select 1 from outbox_event where position = new.position and seq is null) then
       perform pg_advisory_xact_lock(hashtext('outbox-commit-order'));
       update outbox_event o set seq = numbered.seq
         from (select position, nextval('outbox_event_seq') as seq
                 from (select position from outbox_event where seq is null order by position) in_write_order) numbered
        where o.position = numbered.position;
       perform pg_notify('outbox_event', '');
     end if;
     return null;
   end $$`,
  `create constraint trigger "outbox_event_number_at_commit" after insert on "outbox_event"
   deferrable initially deferred for each row execute function outbox_event_number_at_commit()`,
];

// The trigger's pg_notify('outbox_event') stays for tools that listen; the relays no longer do: each process wakes
// its own relay when it commits events (outbox-commit-signal.ts), which keeps no connection open for LISTEN.

/**
 * The second version (each subgraph's migration `…_outbox_commit_order_table`): the trigger writes `seq` into a
 * narrow table of its own, one row (seq, position) per event, instead of updating the outbox row. The update
 * rewrote every event once more, with its payload and its five indexes: at commit it cost about as much as writing
 * the event (ADR 12). The first row of a transaction numbers all of them, in write order, found by the writing
 * transaction's id; a transaction-local setting tells the other rows it is done, with no lookup per row.
 */
export const OUTBOX_COMMIT_ORDER_TABLE_SQL = [
  `create table "outbox_commit_order" ("seq" bigint not null, "position" bigint not null, primary key ("seq"))`,
  `create index "outbox_commit_order_position_index" on "outbox_commit_order" ("position")`,
  `alter table "outbox_commit_order" add constraint "outbox_commit_order_position_foreign"
   foreign key ("position") references "outbox_event" ("position") on update cascade on delete cascade`,
  `insert into "outbox_commit_order" ("seq", "position") select "seq", "position" from "outbox_event" where "seq" is not null`,
  `create index "outbox_event_tx_id_index" on "outbox_event" ("tx_id")`,
  `create or replace function outbox_event_number_at_commit() returns trigger language plpgsql as $$
   declare
     tx text := pg_current_xact_id()::text;
   begin
     if current_setting('crm.outbox_numbered_tx', true) is distinct from tx then
       perform set_config('crm.outbox_numbered_tx', tx, true);
       perform pg_advisory_xact_lock(hashtext('outbox-commit-order'));
       insert into outbox_commit_order (seq, position)
         select nextval('outbox_event_seq'), position
           from (select position from outbox_event where tx_id = pg_current_xact_id() order by position) in_write_order;
       perform pg_notify('outbox_event', '');
     end if;
     return null;
   end $$`,
  // Its unique index and the index of unnumbered rows go with it.
  `alter table "outbox_event" drop column "seq"`,
];
