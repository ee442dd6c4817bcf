import { Migration } from '@mikro-orm/migrations';

/**
 * Working calendars (hours and holidays) a service contract's SLA deadlines may run in; a case keeps the calendar it
 * was opened with and, in business time, the moments its deadlines come at risk. Existing contracts and cases have
 * none: calendar time, as before.
 */
export class Migration20261205100000_working_calendars extends Migration {
  override name = 'Migration20261205100000_working_calendars';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "working_calendar" ("id" uuid not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "version" int not null default 1, "name" text not null, "working_hours" jsonb not null, "holidays" jsonb not null, primary key ("id"));`,
    );
    this.addSql(`create index "working_calendar_created_at_id_index" on "working_calendar" ("created_at", "id");`);
    this.addSql(`alter table "service_contract" add "calendar_id" uuid null;`);
    this.addSql(
      `alter table "service_contract" add constraint "service_contract_calendar_id_foreign" foreign key ("calendar_id") references "working_calendar" ("id") on delete restrict;`,
    );
    this.addSql(`create index "service_contract_calendar_id_index" on "service_contract" ("calendar_id");`);
    this.addSql(
      `alter table "support_case" add "calendar_id" uuid null, add "first_response_at_risk_at" timestamptz null, add "resolution_at_risk_at" timestamptz null;`,
    );
    this.addSql(
      `alter table "support_case" add constraint "support_case_calendar_id_foreign" foreign key ("calendar_id") references "working_calendar" ("id") on delete restrict;`,
    );
    this.addSql(`create index "support_case_calendar_id_index" on "support_case" ("calendar_id");`);
    this.addSql(`create index "support_case_first_response_at_risk_at_index" on "support_case" ("first_response_at_risk_at");`);
    this.addSql(`create index "support_case_resolution_at_risk_at_index" on "support_case" ("resolution_at_risk_at");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "support_case_resolution_at_risk_at_index";`);
    this.addSql(`drop index "support_case_first_response_at_risk_at_index";`);
    this.addSql(`alter table "support_case" drop constraint "support_case_calendar_id_foreign";`);
    this.addSql(`alter table "support_case" drop column "calendar_id", drop column "first_response_at_risk_at", drop column "resolution_at_risk_at";`);
    this.addSql(`alter table "service_contract" drop constraint "service_contract_calendar_id_foreign";`);
    this.addSql(`alter table "service_contract" drop column "calendar_id";`);
    this.addSql(`drop table if exists "working_calendar" cascade;`);
  }
}
