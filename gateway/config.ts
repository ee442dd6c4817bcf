import path from 'node:path';
import { envInt, envString, portFor, SUBGRAPHS, subgraphUrlFor, type SubgraphName } from '../subgraphs/kit/config.js';
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
  const production = process.env.NODE_ENV === 'production';
  return {
    maxAliases: envInt('MAX_QUERY_ALIASES', 15),
    maxDepth: envInt('MAX_QUERY_DEPTH', 12),
    maxDirectives: envInt('MAX_QUERY_DIRECTIVES', 20),
    maxTokens: envInt('MAX_QUERY_TOKENS', 3000),
    maxCost: envInt('MAX_QUERY_COST', 10_000),
    maxBodyBytes: envInt('MAX_BODY_BYTES', 1_048_576),
    requestTimeoutMs: envInt('REQUEST_TIMEOUT_MS', 15_000),
    production,
    ide: !production,
    ...overrides,
  };
}

/** Reads the issuer settings; in production an issuer is required (the development issuer refuses to run). */
export function loadAuthConfig(): GatewayConfig['auth'] {
  const issuer = process.env.AUTH_ISSUER;
  const audience = envString('AUTH_AUDIENCE', 'crm-api');
  if (issuer) return { issuer, audience, jwksUrl: envString('AUTH_JWKS_URL') };
  if (process.env.NODE_ENV === 'production') {
    throw new Error('AUTH_ISSUER, AUTH_AUDIENCE and AUTH_JWKS_URL are required in production (the development issuer does not run there)');
  }
  return { devIssuerDir: path.resolve(envString('DEV_ISSUER_DIR', '.data/dev-issuer')), audience };
}

export function loadGatewayConfig(): GatewayConfig {
  const supergraph = envString('SUPERGRAPH', 'file');
  if (supergraph !== 'file' && supergraph !== 'introspect') throw new Error('SUPERGRAPH must be "file" or "introspect"');
  return {
    port: portFor('gateway'),
    supergraph,
    supergraphPath: path.resolve(envString('SUPERGRAPH_PATH', 'schema/supergraph.graphql')),
    maxStallMs: envInt('SUBSCRIPTION_MAX_STALL_MS', 30_000),
    subgraphIdleSocketMs: envInt('SUBGRAPH_IDLE_SOCKET_MS', 30_000),
    subgraphUrls: Object.fromEntries(SUBGRAPHS.map((name) => [name, subgraphUrlFor(name)])) as Record<SubgraphName, string>,
    auth: loadAuthConfig(),
    trustProxy: process.env.TRUST_PROXY || false,
  };
}
