import type { EntityManager } from '@mikro-orm/postgresql';
import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ownerScopeSql } from '@crm/kit/access/row-scope.js';
import type { Viewer } from '@crm/kit/access/viewer.js';
import { badInput } from '@crm/kit/errors.js';
import { User } from '../staff/user.reference.js';

export enum FunnelGrouping {
  SOURCE = 'SOURCE',
  OWNER = 'OWNER',
}
registerEnumType(FunnelGrouping, { name: 'FunnelGrouping', description: "How conversionFunnel's groups are cut: by the lead's source or its owner (rep)" });

@ObjectType({ description: 'Leads → opportunities → won, for one source or one rep' })
export class FunnelGroup {
  @Field({ description: 'The source (WEB_FORM…) or the owner id; UNASSIGNED for leads nobody owns' }) key!: string;
  @Field({ description: 'The source in words (Web form); for an owner their id (select owner { name } for the name), Unassigned' }) label!: string;
  @Field(() => User, { nullable: true, description: 'Grouped by OWNER: the rep' }) owner!: User | null;
  @Field(() => Int) leads!: number;
  @Field(() => Int) opportunities!: number;
  @Field(() => Int) won!: number;
  @Field(() => Float, { nullable: true }) leadToOpportunityRate!: number | null;
  @Field(() => Float, { nullable: true }) opportunityToWonRate!: number | null;
}

@ObjectType({
  description:
    'The leads created in a period, how many of them became opportunities, and how many of those are won; rates are fractions (0.25), null with nothing to divide by',
})
export class ConversionFunnel {
  @Field(() => Int) leads!: number;
  @Field(() => Int) opportunities!: number;
  @Field(() => Int) won!: number;
  @Field(() => Float, { nullable: true }) leadToOpportunityRate!: number | null;
  @Field(() => Float, { nullable: true }) opportunityToWonRate!: number | null;
  @Field(() => [FunnelGroup], { description: 'By leads, most first' }) groups!: FunnelGroup[];
}

const SOURCE_LABELS: Record<string, string> = {
  WEB_FORM: 'Web form',
  PHONE: 'Phone',
  EMAIL: 'E-mail',
  WALK_IN: 'Walk-in',
  PARTNER: 'Partner',
  CAMPAIGN: 'Campaign',
  REFERRAL: 'Referral',
};
const UNASSIGNED = 'UNASSIGNED';

interface Row {
  key: string | null;
  total: boolean;
  leads: number;
  opportunities: number;
  won: number;
}

const rate = (part: number, whole: number): number | null => (whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000);
const counts = (row: Row | undefined) => {
  const [leads, opportunities, won] = [row?.leads ?? 0, row?.opportunities ?? 0, row?.won ?? 0];
  return { leads, opportunities, won, leadToOpportunityRate: rate(opportunities, leads), opportunityToWonRate: rate(won, opportunities) };
};

/** One statement over the leads created in [from, to) that the viewer may see (index on created_at), grouped and in total. */
export async function conversionFunnel(em: EntityManager, from: Date, to: Date, groupBy: FunnelGrouping, viewer: Viewer): Promise<ConversionFunnel> {
  if (!(from < to)) throw badInput('from must be before to', 'to');
  const column = groupBy === FunnelGrouping.SOURCE ? 'l.source::text' : 'l.owner_id::text';
  const scope = ownerScopeSql(viewer, 'l.owner_id');
  const rows = await em.getConnection().execute<Row[]>(
    `select ${column} as key, grouping(${column}) = 1 as total, count(*)::int as leads,
            (count(*) filter (where l.converted_opportunity_id is not null))::int as opportunities,
            (count(*) filter (where o.status = 'WON'))::int as won
       from sales_lead l
       left join opportunity o on o.id = l.converted_opportunity_id
      where l.created_at >= ? and l.created_at < ? and ${scope.sql}
      group by grouping sets ((${column}), ())`,
    [from, to, ...scope.params],
  );
  const groups = rows
    .filter((row) => !row.total)
    .sort((a, b) => b.leads - a.leads || String(a.key).localeCompare(String(b.key)))
    .map((row) => {
      const key = row.key ?? UNASSIGNED;
      const label = groupBy === FunnelGrouping.SOURCE ? (SOURCE_LABELS[key] ?? key) : row.key ? row.key : 'Unassigned';
      return { key, label, owner: groupBy === FunnelGrouping.OWNER && row.key ? { id: row.key } : null, ...counts(row) };
    });
  return { ...counts(rows.find((row) => row.total)), groups };
}
