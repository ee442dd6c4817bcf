import { LiveQueueDocument, type QueueCountsFragment } from '../generated/graphql';
import { useAggregate } from '../client/hooks';
import { Chart, COLORS } from '../ui/Chart';
import { Figure, Problem } from '../ui/Figure';
import { SortableTable } from '../ui/SortableTable';
import { count, words } from '../ui/format';

type QueueRow = QueueCountsFragment['rows'][number];
type AgentRow = QueueCountsFragment['agents'][number];

const PRIORITIES = ['URGENT', 'HIGH', 'NORMAL', 'LOW'];

/** Service: the open queue by line and priority, SLAs at risk and breached, cases per agent. */
export function ServiceScreen() {
  const live = useAggregate(LiveQueueDocument, {});
  const queue = live.data?.caseQueueChanged;
  const lines = [...new Set(queue?.rows.map((r) => r.line))].sort();
  const openOf = (line: string, priority: string) => queue?.rows.find((r) => r.line === line && r.priority === priority)?.open ?? 0;
  return (
    <section data-screen="service">
      <header className="screen-header">
        <h1>Service queue</h1>
      </header>
      <Problem error={live.error} />
      {queue && (
        <>
          <div className="figures">
            <Figure name="queue-open" label="Open cases" value={queue.open}>
              {count(queue.open)}
            </Figure>
            <Figure name="queue-at-risk" label="SLA at risk" value={queue.atRisk}>
              {count(queue.atRisk)}
            </Figure>
            <Figure name="queue-breached" label="SLA breached" value={queue.breached}>
              {count(queue.breached)}
            </Figure>
          </div>
          <div className="panels">
            <Chart
              title="Queue by line and priority"
              labels={lines.map((line) => `${words(line)} line`)}
              stacked
              series={PRIORITIES.map((priority, i) => ({
                label: words(priority),
                values: lines.map((line) => openOf(line, priority)),
                color: [COLORS.bad, COLORS.warn, COLORS.value, COLORS.muted][i]!,
              }))}
            />
            <SortableTable<QueueRow>
              caption="By line and priority"
              rows={queue.rows}
              rowKey={(r) => `${r.line}-${r.priority}`}
              columns={[
                { key: 'line', label: 'Line', value: (r) => r.line, render: (r) => words(r.line) },
                { key: 'priority', label: 'Priority', value: (r) => PRIORITIES.indexOf(r.priority), render: (r) => words(r.priority) },
                { key: 'open', label: 'Open', value: (r) => r.open, numeric: true },
                { key: 'atRisk', label: 'At risk', value: (r) => r.atRisk, numeric: true },
                { key: 'breached', label: 'Breached', value: (r) => r.breached, numeric: true },
              ]}
            />
            <SortableTable<AgentRow>
              caption="Cases per agent"
              rows={queue.agents}
              rowKey={(a) => a.agent?.id ?? 'unassigned'}
              columns={[
                { key: 'agent', label: 'Agent', value: (a) => a.agent?.name ?? 'Unassigned' },
                { key: 'open', label: 'Open', value: (a) => a.open, numeric: true },
                { key: 'atRisk', label: 'At risk', value: (a) => a.atRisk, numeric: true },
                { key: 'breached', label: 'Breached', value: (a) => a.breached, numeric: true },
              ]}
            />
          </div>
        </>
      )}
    </section>
  );
}
