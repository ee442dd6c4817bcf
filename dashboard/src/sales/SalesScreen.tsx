import { useState } from 'react';
import { DefaultPipelineDocument, PipelineMovesDocument, SalesPipelineDocument } from '../generated/graphql';
import { feed, useLiveQuery } from '../client/hooks';
import { Problem } from '../ui/Figure';
import { PipelinePanels } from './PipelinePanels';
import { ForecastChart } from './ForecastChart';
import { FunnelPanel } from './FunnelPanel';
import { QuotesOpenedPanel } from './QuotesOpenedPanel';

const CURRENCY_KEY = 'crm-dashboard-currency';

/** Sales: the default pipeline by stage and owner, the forecast by close month, the conversion funnel, quotes opened today. */
export function SalesScreen() {
  const [currency, setCurrency] = useState(() => localStorage.getItem(CURRENCY_KEY) ?? 'CZK');
  const pipeline = useLiveQuery(DefaultPipelineDocument, {});
  const pipelineId = pipeline.data?.pipeline.id ?? null;
  const sales = useLiveQuery(SalesPipelineDocument, pipelineId && /^[A-Z]{3}$/.test(currency) ? { pipelineId, currency } : null, [
    feed(PipelineMovesDocument, { pipelineId: pipelineId ?? '' }, (d) => d.pipelineChanged.event.cursor),
  ]);
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
      <Problem error={pipeline.error ?? sales.error} />
      {sales.data && <PipelinePanels summary={sales.data.pipelineSummary} />}
      <div className="panels">
        {sales.data && <ForecastChart months={sales.data.salesForecast.months} />}
        <FunnelPanel />
        <QuotesOpenedPanel />
      </div>
    </section>
  );
}
