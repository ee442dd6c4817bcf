import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from './logger.js';

export const REQUEST_ID_HEADER = 'x-request-id';

/** Set while a GraphQL request is being served, so work can be told apart from background work (relay, consumers, jobs). */
export const requestScope = new AsyncLocalStorage<{ requestId: string }>();
export const VIEWER_HEADER = 'x-viewer';

/** Who is calling. A placeholder until access control lands: the gateway vouches for it. */
export interface Viewer {
  id: string;
  kind: 'anonymous' | 'user' | 'api-key' | 'system';
  roles: string[];
}

export const ANONYMOUS: Viewer = { id: 'anonymous', kind: 'anonymous', roles: [] };

/** Per-request state every resolver receives; each subgraph adds its own loaders. */
export interface RequestContext<Loaders> {
  em: EntityManager;
  viewer: Viewer;
  requestId: string;
  log: Logger;
  loaders: Loaders;
  /** The Idempotency-Key the client sent with a mutation (forwarded by the gateway). */
  idempotencyKey?: string;
}

export function readRequestId(headers: IncomingHttpHeaders): string {
  const value = headers[REQUEST_ID_HEADER];
  return typeof value === 'string' && /^[\w-]{1,100}$/.test(value) ? value : randomUUID();
}

/**
 * The caller as the gateway sees it: `Authorization: Bearer <user id>`. A placeholder, unverified until access
 * control lands; what matters now is that only the gateway tells subgraphs who is calling (x-viewer).
 */
export function viewerFromAuthorization(authorization: unknown): Viewer {
  if (typeof authorization !== 'string') return ANONYMOUS;
  const token = /^Bearer\s+([\w.@:-]{1,100})$/i.exec(authorization.trim())?.[1];
  return token ? { id: token, kind: 'user', roles: [] } : ANONYMOUS;
}

/** Inside the platform: the viewer the gateway forwarded. */
export function readViewer(headers: IncomingHttpHeaders): Viewer {
  const value = headers[VIEWER_HEADER];
  if (typeof value !== 'string') return ANONYMOUS;
  try {
    const parsed = JSON.parse(value) as Partial<Viewer>;
    if (typeof parsed.id !== 'string') return ANONYMOUS;
    const kind = parsed.kind === 'user' || parsed.kind === 'api-key' || parsed.kind === 'system' ? parsed.kind : 'anonymous';
    return { id: parsed.id, kind, roles: Array.isArray(parsed.roles) ? parsed.roles.map(String) : [] };
  } catch {
    return ANONYMOUS;
  }
}
