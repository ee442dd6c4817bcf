import { Migration } from '@mikro-orm/migrations';

/** Indexes for the dashboard's aggregates (issue 13): the forecast by expected close date, the quotes opened since a moment. */
export class Migration20261204220200_dashboard_aggregates extends Migration {
  override name = 'Migration20261204220200_dashboard_aggregates';

  override up(): void | Promise<void> {
    this.addSql(`create index "opportunity_pipeline_id_status_expected_close_date_index" on "opportunity" ("pipeline_id", "status", "expected_close_date");`);
    this.addSql(`create index "quote_view_kind_viewed_at_index" on "quote_view" ("kind", "viewed_at");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "opportunity_pipeline_id_status_expected_close_date_index";`);
    this.addSql(`drop index "quote_view_kind_viewed_at_index";`);
  }
}
