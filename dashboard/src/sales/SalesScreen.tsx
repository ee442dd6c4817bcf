import { useState } from 'react';
import { DefaultPipelineDocument, LivePipelineDocument, PipelineMovesDocument, SalesForecastDocument } from '../generated/graphql';
import { feed, useAggregate, useLiveQuery } from '../client/hooks';
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
  // One owner's business (a row of By owner clicked), or everyone's.
  const [owner, setOwner] = useState<{ id: string; name: string } | null>(null);
  const chosen = pipelineId && /^[A-Z]{3}$/.test(currency) ? { pipelineId, currency, ownerId: owner?.id ?? null } : null;
  const summary = useAggregate(LivePipelineDocument, chosen);
  const forecast = useLiveQuery(SalesForecastDocument, chosen, [
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
      <Problem error={pipeline.error ?? summary.error ?? forecast.error} />
      {owner && (
        <p className="note">
          Only {owner.name}'s deals.{' '}
          <button type="button" onClick={() => setOwner(null)}>
            Show every owner
          </button>
        </p>
      )}
      {summary.data && <PipelinePanels summary={summary.data.pipelineSummaryChanged} chooseOwner={setOwner} />}
      <div className="panels">
        {forecast.data && <ForecastChart months={forecast.data.salesForecast.months} />}
        <FunnelPanel />
        <QuotesOpenedPanel />
      </div>
    </section>
  );
}
