import { Migration } from '@mikro-orm/migrations';

/**
 * Each agent's open cases, counted once and kept by a trigger (agent-workload.entity.ts): the assignment rules read
 * one row per candidate agent instead of counting the agent's cases. The trigger runs for every insert, delete and
 * change of status or assignee, so no code path can forget it. An update that keeps a case open with the same
 * agent touches no counter. An agent's row is locked until the transaction ends: the rule's cases already go one at
 * a time (assignment.service.ts); two calls giving cases to the same two agents in opposite orders at once may
 * deadlock, and the one PostgreSQL stops answers CONFLICT, having written nothing.
 */
export class Migration20261205180000_agent_workload extends Migration {
  override name = 'Migration20261205180000_agent_workload';

  override up(): void | Promise<void> {
    this.addSql(`create table "agent_workload" ("agent_id" uuid not null, "open_cases" int not null, primary key ("agent_id"));`);
    this.addSql(`alter table "agent_workload" add constraint "agent_workload_open_cases_check" check ("open_cases" >= 0);`);
    this.addSql(
      `create function support_case_counts_towards_workload(status case_status, assignee_id uuid) returns boolean
       language sql immutable as $$ select assignee_id is not null and status in ('NEW', 'OPEN', 'PENDING') $$;`,
    );
    this.addSql(
      `create function support_case_keep_agent_workload() returns trigger language plpgsql as $$
       declare
         was_open boolean := tg_op <> 'INSERT' and support_case_counts_towards_workload(old.status, old.assignee_id);
         is_open boolean := tg_op <> 'DELETE' and support_case_counts_towards_workload(new.status, new.assignee_id);
       begin
         if was_open and is_open and old.assignee_id = new.assignee_id then
           return null;
         end if;
         if was_open then
           update agent_workload set open_cases = open_cases - 1 where agent_id = old.assignee_id;
         end if;
         if is_open then
           insert into agent_workload (agent_id, open_cases) values (new.assignee_id, 1)
           on conflict (agent_id) do update set open_cases = agent_workload.open_cases + 1;
         end if;
         return null;
       end $$;`,
    );
    this.addSql(
      `create trigger "support_case_keep_agent_workload" after insert or delete or update of "status", "assignee_id" on "support_case"
       for each row execute function support_case_keep_agent_workload();`,
    );
    this.addSql(
      `insert into "agent_workload" ("agent_id", "open_cases")
       select "assignee_id", count(*) from "support_case"
       where support_case_counts_towards_workload("status", "assignee_id") group by "assignee_id";`,
    );
  }

  override down(): void | Promise<void> {
    this.addSql(`drop trigger "support_case_keep_agent_workload" on "support_case";`);
    this.addSql(`drop function support_case_keep_agent_workload();`);
    this.addSql(`drop function support_case_counts_towards_workload(case_status, uuid);`);
    this.addSql(`drop table "agent_workload";`);
  }
}
