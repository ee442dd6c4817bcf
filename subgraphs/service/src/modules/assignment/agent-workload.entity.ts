import { Check, Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/**
 * How many open cases (NEW, OPEN, PENDING) each agent has: what the assignment rules compare. Kept by a trigger on
 * support_case (migration Migration20261205180000_agent_workload), in the transaction that changes a case's status or
 * assignee, whichever code path does it; read, never written, by the application. Counting the cases instead grew
 * with the desk's backlog, twice for every new case (ADR 12).
 */
@Entity({ tableName: 'agent_workload' })
@Check({ name: 'agent_workload_open_cases_check', expression: '"open_cases" >= 0' })
export class AgentWorkload {
  @PrimaryKey({ type: 'uuid' })
  agentId!: string;

  @Property({ type: 'integer' })
  openCases!: number;
}
