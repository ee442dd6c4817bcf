import { Migration } from '@mikro-orm/migrations';

export class Migration20261125153938_domain extends Migration {
  override name = 'Migration20261125153938_domain';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "lead_routing_rule" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, "name" text not null, "region_prefix" text null, "product_category" "product_category" null, "candidate_user_ids" uuid[] not null, "capacity_per_rep" int null, "priority" int not null default 0, "active" boolean not null default true, primary key ("id"));`,
    );
    this.addSql(`create index "lead_routing_rule_active_priority_index" on "lead_routing_rule" ("active", "priority");`);
    this.addSql(`create index "lead_routing_rule_created_at_id_index" on "lead_routing_rule" ("created_at", "id");`);

    this.addSql(`alter table "sales_lead" add "submission_id" text null, add "region" text null, add "page_url" text null, add "assignment_reason" text null;`);
    this.addSql(`alter table "sales_lead" add constraint "sales_lead_submission_id_unique" unique ("submission_id");`);
    this.addSql(`create index "sales_lead_owner_id_status_index" on "sales_lead" ("owner_id", "status");`);

    this.addSql(`alter table "opportunity" add "next_contact_at" timestamptz null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "lead_routing_rule" cascade;`);

    this.addSql(`alter table "opportunity" drop column "next_contact_at";`);

    this.addSql(`alter table "sales_lead" drop constraint "sales_lead_submission_id_unique";`);
    this.addSql(`drop index "sales_lead_owner_id_status_index";`);
    this.addSql(`alter table "sales_lead" drop column "submission_id", drop column "region", drop column "page_url", drop column "assignment_reason";`);
  }
}
