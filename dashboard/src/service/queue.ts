import type { ServiceCasesQuery } from '../generated/graphql';

type OpenCase = ServiceCasesQuery['cases']['edges'][number]['node'];

export interface Counts {
  open: number;
  atRisk: number;
  breached: number;
}
export interface QueueRow extends Counts {
  line: string;
  priority: string;
}
export interface AgentRow extends Counts {
  agent: { id: string; name: string } | null;
}

/** The queue's counts from its open cases (until the service subgraph answers them as caseQueue). */
export function queueOf(cases: OpenCase[]): Counts & { rows: QueueRow[]; agents: AgentRow[] } {
  const rows = new Map<string, QueueRow>();
  const agents = new Map<string, AgentRow>();
  const total = { open: 0, atRisk: 0, breached: 0 };
  for (const c of cases) {
    const breached = c.firstResponseBreached || c.resolutionBreached ? 1 : 0;
    const atRisk = c.slaAtRisk && !breached ? 1 : 0;
    const row = rows.get(`${c.line}/${c.priority}`) ?? { line: c.line, priority: c.priority, open: 0, atRisk: 0, breached: 0 };
    const agent = agents.get(c.assignee?.id ?? '') ?? { agent: c.assignee ?? null, open: 0, atRisk: 0, breached: 0 };
    for (const counts of [row, agent, total]) {
      counts.open++;
      counts.atRisk += atRisk;
      counts.breached += breached;
    }
    rows.set(`${c.line}/${c.priority}`, row);
    agents.set(c.assignee?.id ?? '', agent);
  }
  return { ...total, rows: [...rows.values()], agents: [...agents.values()] };
}
