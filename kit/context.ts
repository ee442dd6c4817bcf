import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from './logger.js';
import type { Viewer } from './access/viewer.js';
import type { GraphClient } from './graph-client.js';

export type { Viewer };

export const REQUEST_ID_HEADER = 'x-request-id';

/** Set while a GraphQL request is being served, so work can be told apart from background work (relay, consumers, jobs). */
export const requestScope = new AsyncLocalStorage<{
  requestId: string;
  /** Set when the platform itself calls (e.g. the gateway looking up a caller). */ byPlatform?: boolean;
}>();
/** Per-request state every resolver receives; each subgraph adds its own loaders. */
export interface RequestContext<Loaders> {
  /** The subgraph serving the request. */
  service: string;
  em: EntityManager;
  viewer: Viewer;
  requestId: string;
  log: Logger;
  loaders: Loaders;
  /** How many values of each personal-data field this request returned (for the audit of bulk reads). */
  personalDataRead: Map<string, number>;
  /** The fields this request was refused, with why (for the audit log). */
  refused: Map<string, string>;
  /** The other domains' APIs, called as the platform (e.g. identity assembling a person's export). */
  graph: GraphClient;
  /** When the gateway stops waiting for this request (epoch ms), see deadline.ts. */
  deadline?: number;
  /** The Idempotency-Key the client sent with a mutation (forwarded by the gateway). */
  idempotencyKey?: string;
}

export function readRequestId(headers: IncomingHttpHeaders): string {
  const value = headers[REQUEST_ID_HEADER];
  return typeof value === 'string' && /^[\w-]{1,100}$/.test(value) ? value : randomUUID();
}
