import { useMemo, useState } from 'react';
import { DealMovesDocument, LeadMovesDocument, SalesFunnelDocument, type FunnelGrouping, type SalesFunnelQuery } from '../generated/graphql';
import { feed, useLiveQuery } from '../client/hooks';
import { Chart, COLORS } from '../ui/Chart';
import { SortableTable } from '../ui/SortableTable';
import { percent } from '../ui/format';

type Group = SalesFunnelQuery['conversionFunnel']['groups'][number];

const DAYS = 90;

/** Leads of the last 90 days → opportunities → won, and the same by source or by rep. */
export function FunnelPanel() {
  const [groupBy, setGroupBy] = useState<FunnelGrouping>('SOURCE');
  // From 90 days before today to the end of today: leads created while the page is open are counted too.
  const period = useMemo(() => {
    const today = new Date();
    today.setHours(0, 0, 0, 0);
    const day = 24 * 3600 * 1000;
    return { from: new Date(today.getTime() - DAYS * day).toISOString(), to: new Date(today.getTime() + day).toISOString() };
  }, []);
  const funnel = useLiveQuery(SalesFunnelDocument, { ...period, groupBy }, [
    feed(LeadMovesDocument, {}, (d) => d.leadChanged.event.cursor),
    feed(DealMovesDocument, {}, (d) => d.opportunityChanged.event.cursor),
  ]);
  const data = funnel.data?.conversionFunnel;
  if (!data) return null;
  return (
    <>
      <Chart
        title="Conversion funnel"
        horizontal
        labels={['Leads', 'Opportunities', 'Won']}
        series={[{ label: `Last ${DAYS} days`, values: [data.leads, data.opportunities, data.won], color: COLORS.good }]}
      />
      <div className="panel">
        <p data-figure="funnel-rates">
          Lead → opportunity <strong>{percent(data.leadToOpportunityRate)}</strong> · opportunity → won <strong>{percent(data.opportunityToWonRate)}</strong>
        </p>
        <label>
          By{' '}
          <select value={groupBy} onChange={(e) => setGroupBy(e.target.value as FunnelGrouping)} aria-label="Funnel by">
            <option value="SOURCE">source</option>
            <option value="OWNER">rep</option>
          </select>
        </label>
        <SortableTable<Group>
          caption="Funnel by group"
          rows={data.groups}
          rowKey={(g) => g.key}
          columns={[
            { key: 'label', label: groupBy === 'SOURCE' ? 'Source' : 'Rep', value: (g) => g.owner?.name ?? g.label },
            { key: 'leads', label: 'Leads', value: (g) => g.leads, numeric: true },
            { key: 'opportunities', label: 'Opportunities', value: (g) => g.opportunities, numeric: true },
            { key: 'won', label: 'Won', value: (g) => g.won, numeric: true },
          ]}
        />
      </div>
    </>
  );
}
