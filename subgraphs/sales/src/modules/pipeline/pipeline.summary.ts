import { Decimal } from 'decimal.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ownerScopeSql } from '@crm/kit/access/row-scope.js';
import type { Viewer } from '@crm/kit/access/viewer.js';
import { Field, Int, ObjectType } from 'type-graphql';
import { badInput } from '@crm/kit/errors.js';
import { parseId } from '@crm/kit/ids.js';
import { pgArray } from '@crm/kit/sql.js';
import { Money } from '@crm/kit/scalars.js';
import { Pipeline, Stage } from './pipeline.entity.js';
import { getPipeline, stagesOf } from './pipeline.service.js';

@ObjectType({ description: 'Open, won and lost business in one stage' })
export class StageSummary {
  @Field(() => Stage) stage!: Stage;
  @Field(() => Int) count!: number;
  @Field(() => Money, { description: 'Sum of the amounts' }) value!: Money;
  @Field(() => Money, { description: 'Sum of amount × probability' }) weightedValue!: Money;
}

@ObjectType({ description: 'The pipeline board in numbers: per stage and in total, in one currency' })
export class PipelineSummary {
  @Field(() => Pipeline) pipeline!: Pipeline;
  @Field(() => [StageSummary]) stages!: StageSummary[];
  @Field(() => Int) count!: number;
  @Field(() => Money) value!: Money;
  @Field(() => Money) weightedValue!: Money;
}

interface Row {
  stage_id: string | null;
  count: number;
  value: string;
  weighted: string;
}

/**
 * Sums run in SQL on numeric columns (exact); one statement returns every stage and, through the
 * empty grouping set, the totals. Archived opportunities and other currencies are left out.
 */
export async function pipelineSummary(em: EntityManager, pipelineId: string, currency: string, ownerIds: string[], viewer: Viewer): Promise<PipelineSummary> {
  if (!/^[A-Z]{3}$/.test(currency)) throw badInput('currency must be an ISO 4217 code such as EUR or CZK', 'currency');
  const pipeline = await getPipeline(em, pipelineId, 'pipelineId');
  const owners = ownerIds.map((id) => parseId(id, 'User', 'ownerId'));
  const ownerSql = owners.length ? 'and o.owner_id = any(?::uuid[])' : '';
  // Only what the viewer may see is counted: a rep's board never includes another team's deals.
  const scope = ownerScopeSql(viewer, 'o.owner_id');
  const rows = await em.getConnection().execute<Row[]>(
    `select s.id as stage_id, count(o.id)::int as count, coalesce(sum(o.amount), 0) as value,
            round(coalesce(sum(o.amount * coalesce(o.probability_override, s.probability) / 100), 0), 2) as weighted
       from pipeline_stage s
       left join opportunity o on o.stage_id = s.id and o.archived_at is null and o.currency = ? ${ownerSql} and ${scope.sql}
      where s.pipeline_id = ?
      group by grouping sets ((s.id), ())`,
    [currency, ...(owners.length ? [pgArray(owners)] : []), ...scope.params, pipeline.id],
  );
  const money = (amount: string): Money => ({ amount: new Decimal(amount).toFixed(2), currency });
  const byStage = new Map(rows.map((row) => [row.stage_id, row]));
  const totals = byStage.get(null) ?? { count: 0, value: '0', weighted: '0' };
  const stages = (await stagesOf(em, pipeline.id)).map((stage) => {
    const row = byStage.get(stage.id);
    return { stage, count: row?.count ?? 0, value: money(row?.value ?? '0'), weightedValue: money(row?.weighted ?? '0') };
  });
  return { pipeline, stages, count: totals.count, value: money(totals.value), weightedValue: money(totals.weighted) };
}
