import { Migration } from '@mikro-orm/migrations';

/** Case assignment rules, the reason a case has its assignee, and each agent's open load by an index. */
export class Migration20261204190335_case_assignment extends Migration {
  override name = 'Migration20261204190335_case_assignment';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "case_assignment_rule" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, "name" text not null, "line" "case_line" not null, "priority" "case_priority" null, "category" "case_category" null, "agent_ids" uuid[] not null, "active" boolean not null default true, primary key ("id"));`,
    );
    this.addSql(`create index "case_assignment_rule_line_active_index" on "case_assignment_rule" ("line", "active");`);
    this.addSql(`create index "case_assignment_rule_created_at_id_index" on "case_assignment_rule" ("created_at", "id");`);
    this.addSql(`alter table "support_case" add "assignment_reason" text null;`);
    this.addSql(`create index "support_case_assignee_id_status_index" on "support_case" ("assignee_id", "status");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "support_case_assignee_id_status_index";`);
    this.addSql(`alter table "support_case" drop column "assignment_reason";`);
    this.addSql(`drop table if exists "case_assignment_rule" cascade;`);
  }
}
