import path from 'node:path';
import { isProduction, portFor, SUBGRAPHS, subgraphUrlFor, type SubgraphName } from '@crm/kit/config.js';
import { gateway } from './settings.js';
import type { QueryLimits } from './limits/query-limits.js';
import type { RateLimitSettings } from './limits/rate-limits.js';

export interface GatewayConfig {
  port: number;
  /** `file`: the committed schema/supergraph.graphql (production); `introspect`: compose from running subgraphs (development). */
  supergraph: 'file' | 'introspect';
  supergraphPath: string;
  subgraphUrls: Record<SubgraphName, string>;
  /** A subscriber that takes no event for this long is disconnected and resumes by cursor. */
  maxStallMs: number;
  /**
   * Each subscription socket is pinged this often, and dropped when a ping is unanswered for as long. An idle socket
   * costs the gateway only this ping (about a tenth of a millisecond of CPU each on a small machine): 30 s keeps that
   * low and stays under the usual 60 s idle timeout of proxies in between.
   */
  keepAliveMs?: number;
  /** Idle sockets to subgraphs are closed after this; keep it below the subgraphs' HTTP_KEEP_ALIVE_MS. */
  subgraphIdleSocketMs: number;
  /**
   * Who signs people's tokens: the dealer's OpenID Connect issuer (AUTH_ISSUER, AUTH_AUDIENCE, AUTH_JWKS_URL), or,
   * with none configured and outside production, the development issuer with its keys in `devIssuerDir`.
   */
  auth: { issuer: string; audience: string; jwksUrl: string } | { devIssuerDir: string; audience: string };
  /** Express's `trust proxy` (TRUST_PROXY), so the client address is read from X-Forwarded-For behind a proxy. */
  trustProxy: string | false;
  /** What one request may ask (defaults: see requestLimits). */
  limits?: Partial<RequestLimits>;
  /** How much a caller may ask per minute (defaults: see rateLimitSettings). */
  rateLimits?: Partial<RateLimitSettings>;
}

export interface RequestLimits extends QueryLimits {
  maxBodyBytes: number;
  /** How long the gateway waits for the subgraphs answering one request; they stop their work then too. */
  requestTimeoutMs: number;
  /** GraphiQL at GET /graphql: development only. */
  ide: boolean;
}

/** Each limit, its environment variable and its default (the README's table of limits lists the same). */
export function requestLimits(overrides: Partial<RequestLimits> = {}): RequestLimits {
  const production = isProduction();
  const settings = gateway();
  return {
    maxAliases: settings.MAX_QUERY_ALIASES,
    maxDepth: settings.MAX_QUERY_DEPTH,
    maxDirectives: settings.MAX_QUERY_DIRECTIVES,
    maxTokens: settings.MAX_QUERY_TOKENS,
    maxCost: settings.MAX_QUERY_COST,
    maxBodyBytes: settings.MAX_BODY_BYTES,
    requestTimeoutMs: settings.REQUEST_TIMEOUT_MS,
    production,
    ide: !production,
    ...overrides,
  };
}

/** Reads the issuer settings; in production an issuer is required (the development issuer refuses to run). */
export function loadAuthConfig(): GatewayConfig['auth'] {
  const settings = gateway();
  const audience = settings.AUTH_AUDIENCE;
  if (settings.AUTH_ISSUER) return { issuer: settings.AUTH_ISSUER, audience, jwksUrl: settings.AUTH_JWKS_URL! };
  if (isProduction()) {
    throw new Error('AUTH_ISSUER, AUTH_AUDIENCE and AUTH_JWKS_URL are required in production (the development issuer does not run there)');
  }
  return { devIssuerDir: path.resolve(settings.DEV_ISSUER_DIR), audience };
}

export function loadGatewayConfig(): GatewayConfig {
  const settings = gateway();
  return {
    port: portFor('gateway'),
    supergraph: settings.SUPERGRAPH,
    supergraphPath: path.resolve(settings.SUPERGRAPH_PATH),
    maxStallMs: settings.SUBSCRIPTION_MAX_STALL_MS,
    keepAliveMs: settings.SUBSCRIPTION_KEEPALIVE_MS,
    subgraphIdleSocketMs: settings.SUBGRAPH_IDLE_SOCKET_MS,
    subgraphUrls: Object.fromEntries(SUBGRAPHS.map((name) => [name, subgraphUrlFor(name)])) as Record<SubgraphName, string>,
    auth: loadAuthConfig(),
    trustProxy: settings.TRUST_PROXY ?? false,
  };
}
