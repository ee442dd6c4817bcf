import { Decimal } from 'decimal.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ownerScopeSql } from '@crm/kit/access/row-scope.js';
import type { Viewer } from '@crm/kit/access/viewer.js';
import { Field, Int, ObjectType } from 'type-graphql';
import { parseId } from '@crm/kit/ids.js';
import { pgArray } from '@crm/kit/sql.js';
import { Money } from '@crm/kit/scalars.js';
import { conversionOf, CurrencyConversion, ratesInto } from '../reporting/currency-conversion.js';
import { User } from '../staff/user.reference.js';
import { Pipeline, Stage } from './pipeline.entity.js';
import { getPipeline, stagesOf } from './pipeline.service.js';

@ObjectType({ description: 'Open, won and lost business in one stage' })
export class StageSummary {
  @Field(() => Stage) stage!: Stage;
  @Field(() => Int) count!: number;
  @Field(() => Money, { description: 'Sum of the amounts' }) value!: Money;
  @Field(() => Money, { description: 'Sum of amount × probability' }) weightedValue!: Money;
}

@ObjectType({ description: "One owner's business in the pipeline (all stages)" })
export class OwnerSummary {
  @Field(() => User, { nullable: true, description: 'Null: opportunities nobody owns' }) owner!: User | null;
  @Field(() => Int) count!: number;
  @Field(() => Money) value!: Money;
  @Field(() => Money) weightedValue!: Money;
}

@ObjectType({ description: 'The pipeline board in numbers: per stage, per owner and in total, in one reporting currency' })
export class PipelineSummary {
  @Field(() => Pipeline) pipeline!: Pipeline;
  @Field(() => [StageSummary], { description: 'Every stage, in pipeline order (empty ones as zero)' }) stages!: StageSummary[];
  @Field(() => [OwnerSummary], { description: 'Every owner with business in it, by value, largest first' }) owners!: OwnerSummary[];
  @Field(() => Int) count!: number;
  @Field(() => Money) value!: Money;
  @Field(() => Money) weightedValue!: Money;
  @Field(() => CurrencyConversion, { description: 'Which amounts were converted, with which rates, and which currencies were left out' })
  conversion!: CurrencyConversion;
}

interface Row {
  stage_id: string | null;
  owner_id: string | null;
  currency: string | null;
  by_stage: number;
  by_owner: number;
  by_currency: number;
  total: number;
  count: number;
  value: string;
  weighted: string;
}

/**
 * One statement: the visible opportunities of the pipeline, each amount converted into `currency` with the
 * configured rate (a currency without one is left out and named), summed per stage, per owner, per currency (to tell
 * what was converted) and in total through grouping sets. Sums are exact on numeric, rounded to cents at the end.
 * Archived opportunities are left out.
 */
export async function pipelineSummary(em: EntityManager, pipelineId: string, currency: string, ownerIds: string[], viewer: Viewer): Promise<PipelineSummary> {
  const rates = ratesInto(currency);
  const pipeline = await getPipeline(em, pipelineId, 'pipelineId');
  const owners = ownerIds.map((id) => parseId(id, 'User', 'ownerId'));
  const ownerSql = owners.length ? 'and o.owner_id = any(?::uuid[])' : '';
  // Only what the viewer may see is counted: a rep's board never includes another team's deals.
  const scope = ownerScopeSql(viewer, 'o.owner_id');
  const rows = await em.getConnection().execute<Row[]>(
    `with counted as (
       select o.stage_id, o.owner_id, o.currency::text as currency, r.rate is not null as convertible, o.amount * r.rate as value,
              o.amount * r.rate * coalesce(o.probability_override, s.probability) / 100 as weighted
         from opportunity o
         join pipeline_stage s on s.id = o.stage_id
         ${rates.sql}
        where o.pipeline_id = ? and o.archived_at is null ${ownerSql} and ${scope.sql})
     select stage_id, owner_id, currency, grouping(stage_id) = 0 as by_stage, grouping(owner_id) = 0 as by_owner,
            grouping(currency) = 0 as by_currency, count(*)::int as total, (count(*) filter (where convertible))::int as count,
            round(coalesce(sum(value), 0), 2) as value, round(coalesce(sum(weighted), 0), 2) as weighted
       from counted
      group by grouping sets ((stage_id), (owner_id), (currency), ())`,
    [...rates.params, pipeline.id, ...(owners.length ? [pgArray(owners)] : []), ...scope.params],
  );
  const money = (amount: string | undefined): Money => ({ amount: new Decimal(amount ?? '0').toFixed(2), currency });
  const byStage = new Map(rows.filter((row) => row.by_stage).map((row) => [row.stage_id, row]));
  const totals = rows.find((row) => !row.by_stage && !row.by_owner && !row.by_currency);
  const stages = (await stagesOf(em, pipeline.id)).map((stage) => {
    const row = byStage.get(stage.id);
    return { stage, count: row?.count ?? 0, value: money(row?.value), weightedValue: money(row?.weighted) };
  });
  const ownerRows = rows
    .filter((row) => row.by_owner && row.count > 0)
    .sort((a, b) => new Decimal(b.value).cmp(a.value) || String(a.owner_id).localeCompare(String(b.owner_id)));
  return {
    pipeline,
    stages,
    owners: ownerRows.map((row) => ({
      owner: row.owner_id ? { id: row.owner_id } : null,
      count: row.count,
      value: money(row.value),
      weightedValue: money(row.weighted),
    })),
    count: totals?.count ?? 0,
    value: money(totals?.value),
    weightedValue: money(totals?.weighted),
    conversion: conversionOf(
      currency,
      rates.rates,
      rows.filter((row) => row.by_currency).map((row) => ({ currency: row.currency!, total: row.total })),
    ),
  };
}
