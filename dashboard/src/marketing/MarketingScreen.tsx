import { useState } from 'react';
import {
  CampaignMovesDocument,
  LiveCampaignMetricsDocument,
  LiveSegmentSizesDocument,
  MarketingOverviewDocument,
  type MarketingOverviewQuery,
} from '../generated/graphql';
import { feed, useAggregate, useLiveQuery } from '../client/hooks';
import { Chart, COLORS } from '../ui/Chart';
import { Figure, Problem } from '../ui/Figure';
import { SortableTable } from '../ui/SortableTable';
import { count, dateTime, words } from '../ui/format';

type Campaign = MarketingOverviewQuery['campaigns']['edges'][number]['node'];
type Segment = MarketingOverviewQuery['segments']['edges'][number]['node'];

const STEPS = ['sent', 'delivered', 'opened', 'clicked', 'converted'] as const;

/** Marketing: a campaign's funnel (sent → converted) and the segments' sizes. */
export function MarketingScreen() {
  const overview = useLiveQuery(MarketingOverviewDocument, {}, [feed(CampaignMovesDocument, {}, (d) => d.campaignChanged.event.cursor)]);
  const campaigns = overview.data?.campaigns.edges.map((e) => e.node) ?? [];
  // The sizes are pushed live (every frame is the whole list); until the first frame, the overview's.
  const liveSegments = useAggregate(LiveSegmentSizesDocument, {}).data?.segmentSizesChanged.edges.map((e) => e.node);
  const segments = liveSegments ?? overview.data?.segments.edges.map((e) => e.node) ?? [];
  const [chosenId, choose] = useState<string | null>(null);
  const campaign = campaigns.find((c) => c.id === chosenId) ?? campaigns[0];
  // The chosen campaign's funnel is pushed live; the list shows it too, the others as last read.
  const live = useAggregate(LiveCampaignMetricsDocument, campaign ? { id: campaign.id } : null).data?.campaignMetricsChanged;
  const metrics = live ?? campaign?.metrics;
  const metricsOf = (c: Campaign) => (c.id === campaign?.id && metrics ? metrics : c.metrics);
  return (
    <section data-screen="marketing">
      <header className="screen-header">
        <h1>Marketing</h1>
        {campaigns.length > 0 && (
          <label>
            Campaign{' '}
            <select value={campaign?.id} onChange={(e) => choose(e.target.value)} aria-label="Campaign">
              {campaigns.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </label>
        )}
      </header>
      <Problem error={overview.error} />
      {metrics && (
        <div className="figures">
          {STEPS.map((step) => (
            <Figure key={step} name={`campaign-${step}`} label={words(step)} value={metrics[step]}>
              {count(metrics[step])}
            </Figure>
          ))}
        </div>
      )}
      <div className="panels">
        {campaign && metrics && (
          <Chart
            title="Campaign funnel"
            horizontal
            labels={STEPS.map(words)}
            series={[{ label: campaign.name, values: STEPS.map((step) => metrics[step]), color: COLORS.value }]}
          />
        )}
        <Chart
          title="Segment sizes"
          horizontal
          labels={segments.map((s) => s.name)}
          series={[{ label: 'Customers', values: segments.map((s) => s.size), color: COLORS.good }]}
        />
        <SortableTable<Campaign>
          caption="Campaigns"
          rows={campaigns}
          rowKey={(c) => c.id}
          onRowClick={(c) => choose(c.id)}
          columns={[
            { key: 'name', label: 'Campaign', value: (c) => c.name },
            { key: 'status', label: 'Status', value: (c) => c.status, render: (c) => words(c.status) },
            { key: 'startsAt', label: 'Starts', value: (c) => c.startsAt, render: (c) => dateTime(c.startsAt) },
            ...STEPS.map((step) => ({ key: step, label: words(step), value: (c: Campaign) => metricsOf(c)[step], numeric: true })),
          ]}
        />
        <SortableTable<Segment>
          caption="Segments"
          rows={segments}
          rowKey={(s) => s.id}
          columns={[
            { key: 'name', label: 'Segment', value: (s) => s.name },
            { key: 'kind', label: 'Kind', value: (s) => s.kind, render: (s) => words(s.kind) },
            { key: 'size', label: 'Customers', value: (s) => s.size, numeric: true },
          ]}
        />
      </div>
    </section>
  );
}
