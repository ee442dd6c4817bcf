import { useState } from 'react';
import { DefaultPipelineDocument, PipelineMovesDocument, SalesPipelineDocument, type SalesPipelineQuery } from '../generated/graphql';
import { feed, useLiveQuery } from '../client/hooks';
import { Chart, COLORS } from '../ui/Chart';
import { Figure, Problem } from '../ui/Figure';
import { SortableTable } from '../ui/SortableTable';
import { count, money } from '../ui/format';

type StageRow = SalesPipelineQuery['pipelineSummary']['stages'][number];

const CURRENCY_KEY = 'crm-dashboard-currency';

/** Sales: the default pipeline by stage, its value and weighted value, in the currency chosen. */
export function SalesScreen() {
  const [currency, setCurrency] = useState(() => localStorage.getItem(CURRENCY_KEY) ?? 'CZK');
  const pipeline = useLiveQuery(DefaultPipelineDocument, {});
  const pipelineId = pipeline.data?.pipeline.id ?? null;
  const summary = useLiveQuery(SalesPipelineDocument, pipelineId ? { pipelineId, currency } : null, [
    feed(PipelineMovesDocument, { pipelineId: pipelineId ?? '' }, (d) => d.pipelineChanged.event.cursor),
  ]);
  const data = summary.data?.pipelineSummary;
  const stages = [...(data?.stages ?? [])].sort((a, b) => a.stage.position - b.stage.position);
  const chooseCurrency = (value: string) => {
    const code = value.toUpperCase();
    setCurrency(code);
    localStorage.setItem(CURRENCY_KEY, code);
  };
  return (
    <section data-screen="sales">
      <header className="screen-header">
        <h1>Sales · {pipeline.data?.pipeline.name ?? '…'}</h1>
        <label>
          Currency <input className="currency" value={currency} maxLength={3} onChange={(e) => chooseCurrency(e.target.value)} aria-label="Currency" />
        </label>
      </header>
      <Problem error={pipeline.error ?? summary.error} />
      {data && (
        <>
          <div className="figures">
            <Figure name="pipeline-count" label="Open deals" value={data.count}>
              {count(data.count)}
            </Figure>
            <Figure name="pipeline-value" label="Value" value={data.value.amount}>
              {money(data.value)}
            </Figure>
            <Figure name="pipeline-weighted" label="Weighted value" value={data.weightedValue.amount}>
              {money(data.weightedValue)}
            </Figure>
          </div>
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
          </div>
        </>
      )}
    </section>
  );
}
