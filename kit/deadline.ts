import type { IncomingHttpHeaders } from 'node:http';
import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError } from './errors.js';

/**
 * When the caller stops waiting (epoch milliseconds), sent by the gateway with each subgraph call: work it would
 * no longer wait for is cancelled, not left running (e.g. a search the gateway gave up on).
 */
export const DEADLINE_HEADER = 'x-request-deadline';

export function readDeadline(headers: IncomingHttpHeaders): number | undefined {
  const value = Number(headers[DEADLINE_HEADER]);
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

export const deadlineExceeded = () => new DomainError('TIMEOUT', 'The request took longer than the caller waits and was stopped; narrow it down and try again');

/** Runs `work` in a transaction whose statements PostgreSQL cancels at the deadline. */
export async function withinDeadline<T>(em: EntityManager, deadline: number | undefined, work: (em: EntityManager) => Promise<T>): Promise<T> {
  if (deadline === undefined) return work(em);
  const remaining = Math.floor(deadline - Date.now());
  if (remaining <= 0) throw deadlineExceeded();
  return em.transactional(async (tx) => {
    await tx.execute(`set local statement_timeout = ${remaining}`);
    return work(tx);
  });
}
