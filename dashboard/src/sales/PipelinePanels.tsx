import type { PipelineTotalsFragment } from '../generated/graphql';
import { Chart, COLORS } from '../ui/Chart';
import { Figure } from '../ui/Figure';
import { SortableTable } from '../ui/SortableTable';
import { count, money } from '../ui/format';

type StageRow = PipelineTotalsFragment['stages'][number];
type OwnerRow = PipelineTotalsFragment['owners'][number];

/** The pipeline's totals, by stage (chart and table) and by owner (a row narrows the screen to them), and what currency conversion went into them. */
export function PipelinePanels({ summary, chooseOwner }: { summary: PipelineTotalsFragment; chooseOwner: (owner: { id: string; name: string }) => void }) {
  const stages = [...summary.stages].sort((a, b) => a.stage.position - b.stage.position);
  const { conversion } = summary;
  return (
    <>
      <div className="figures">
        <Figure name="pipeline-count" label="Open deals" value={summary.count}>
          {count(summary.count)}
        </Figure>
        <Figure name="pipeline-value" label="Value" value={summary.value.amount}>
          {money(summary.value)}
        </Figure>
        <Figure name="pipeline-weighted" label="Weighted value" value={summary.weightedValue.amount}>
          {money(summary.weightedValue)}
        </Figure>
      </div>
      {(conversion.converted || conversion.unconvertible.length > 0) && (
        <p className="note" data-note="conversion">
          {conversion.converted && `Converted into ${conversion.currency} at ${conversion.rates.map((r) => `${r.from} ${r.rate}`).join(', ')}. `}
          {conversion.unconvertible.length > 0 && `Left out (no rate): ${conversion.unconvertible.join(', ')}.`}
        </p>
      )}
      <div className="panels">
        <Chart
          title="Pipeline by stage"
          labels={stages.map((s) => s.stage.name)}
          series={[
            { label: 'Value', values: stages.map((s) => Number(s.value.amount)), color: COLORS.value },
            { label: 'Weighted value', values: stages.map((s) => Number(s.weightedValue.amount)), color: COLORS.weighted },
          ]}
        />
        <SortableTable<StageRow>
          caption="By stage"
          rows={stages}
          rowKey={(s) => s.stage.id}
          columns={[
            { key: 'stage', label: 'Stage', value: (s) => s.stage.position, render: (s) => s.stage.name },
            { key: 'count', label: 'Deals', value: (s) => s.count, numeric: true },
            { key: 'value', label: 'Value', value: (s) => Number(s.value.amount), render: (s) => money(s.value), numeric: true },
            { key: 'weighted', label: 'Weighted', value: (s) => Number(s.weightedValue.amount), render: (s) => money(s.weightedValue), numeric: true },
          ]}
        />
        <SortableTable<OwnerRow>
          caption="By owner"
          rows={summary.owners}
          rowKey={(o) => o.owner?.id ?? 'nobody'}
          onRowClick={(o) => o.owner && chooseOwner(o.owner)}
          columns={[
            { key: 'owner', label: 'Owner', value: (o) => o.owner?.name ?? 'Nobody' },
            { key: 'count', label: 'Deals', value: (o) => o.count, numeric: true },
            { key: 'value', label: 'Value', value: (o) => Number(o.value.amount), render: (o) => money(o.value), numeric: true },
            { key: 'weighted', label: 'Weighted', value: (o) => Number(o.weightedValue.amount), render: (o) => money(o.weightedValue), numeric: true },
          ]}
        />
      </div>
    </>
  );
}
