import { GraphQLError } from 'graphql';
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Viewer } from '@crm/kit/access/viewer.js';
import { platform } from '@crm/kit/config.js';
import { gateway } from '../settings.js';
import type { Logger } from '@crm/kit/logger.js';

/** Per caller and window (a minute); a caller is a user, an API key, or (without credentials) a client address. */
export interface RateLimitSettings {
  windowSeconds: number;
  requestsPerMinute: number;
  /** Records per minute, counted as the cost limit counts them (query-limits.ts). */
  costPerMinute: number;
  /** Calls without credentials (the public web form) per client address. */
  anonymousRequestsPerMinute: number;
  socketsPerCaller: number;
  subscriptionsPerSocket: number;
  /** `memory` (one gateway) or `redis` (several gateways share the counts, at REDIS_URL). */
  store: 'memory' | 'redis';
}

export function rateLimitSettings(): RateLimitSettings {
  const settings = gateway();
  return {
    windowSeconds: settings.RATE_LIMIT_WINDOW_SECONDS,
    requestsPerMinute: settings.RATE_LIMIT_REQUESTS_PER_MINUTE,
    costPerMinute: settings.RATE_LIMIT_COST_PER_MINUTE,
    anonymousRequestsPerMinute: settings.RATE_LIMIT_ANONYMOUS_PER_MINUTE,
    socketsPerCaller: settings.RATE_LIMIT_SOCKETS_PER_CALLER,
    subscriptionsPerSocket: settings.RATE_LIMIT_SUBSCRIPTIONS_PER_SOCKET,
    store: settings.RATE_LIMIT_STORE,
  };
}

export interface Allowance {
  limit: number;
  remaining: number;
  resetSeconds: number;
}

const callerKey = (viewer: Viewer) => (viewer.kind === 'anonymous' ? `ip:${viewer.ip ?? 'unknown'}` : `${viewer.kind}:${viewer.id}`);

/** 429 with Retry-After and the RateLimit-* headers: the client waits and retries, nothing else is wrong. */
function tooMany(what: string, limit: number, window: number, rejection: RateLimiterRes): GraphQLError {
  const retryAfter = Math.max(Math.ceil(rejection.msBeforeNext / 1000), 1);
  return new GraphQLError(`Too many ${what} (at most ${limit} per ${window} s): retry after ${retryAfter} s`, {
    extensions: {
      code: 'RATE_LIMITED',
      retryAfterSeconds: retryAfter,
      http: { status: 429, headers: new Map([['Retry-After', String(retryAfter)], ...headersOf({ limit, remaining: 0, resetSeconds: retryAfter })]) },
    },
  });
}

export const headersOf = (allowance: Allowance): Array<[string, string]> => [
  ['RateLimit-Limit', String(allowance.limit)],
  ['RateLimit-Remaining', String(Math.max(allowance.remaining, 0))],
  ['RateLimit-Reset', String(allowance.resetSeconds)],
];

/**
 * Requests and cost per caller and minute (rate-limiter-flexible, in memory or shared through Redis), and the
 * open sockets per caller of this gateway.
 */
export class RateLimits {
  private readonly requests: RateLimiterAbstract;
  private readonly anonymous: RateLimiterAbstract;
  private readonly cost: RateLimiterAbstract;
  private readonly sockets = new Map<string, number>();
  private readonly redis?: Redis;

  constructor(
    readonly settings: RateLimitSettings,
    log: Logger,
  ) {
    if (settings.store === 'redis') {
      this.redis = new Redis(platform().REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
      this.redis.on('error', (error: Error) => log.warn({ err: error.message }, 'rate limit store unreachable; counting in memory meanwhile'));
    }
    const limiter = (keyPrefix: string, points: number): RateLimiterAbstract => {
      const options = { keyPrefix: `crm-rl-${keyPrefix}`, points: Math.max(points, 1), duration: Math.max(settings.windowSeconds, 1) };
      if (!this.redis) return new RateLimiterMemory(options);
      // While Redis is away each gateway counts alone rather than refusing everyone.
      return new RateLimiterRedis({ ...options, storeClient: this.redis, insuranceLimiter: new RateLimiterMemory(options) });
    };
    this.requests = limiter('requests', settings.requestsPerMinute);
    this.anonymous = limiter('anonymous', settings.anonymousRequestsPerMinute);
    this.cost = limiter('cost', settings.costPerMinute);
  }

  /** Counts one request; throws 429 past the limit. */
  async takeRequest(viewer: Viewer): Promise<Allowance> {
    const anonymous = viewer.kind === 'anonymous';
    const limit = anonymous ? this.settings.anonymousRequestsPerMinute : this.settings.requestsPerMinute;
    return this.take(anonymous ? this.anonymous : this.requests, callerKey(viewer), 1, limit, 'requests');
  }

  /** Counts what an operation may return; throws 429 past the limit. */
  takeCost(viewer: Viewer, cost: number): Promise<Allowance> {
    return this.take(this.cost, callerKey(viewer), Math.max(cost, 1), this.settings.costPerMinute, 'records requested');
  }

  /** Gives back what takeCost counted for a request that turned out to ask for nothing. */
  async returnCost(viewer: Viewer, cost: number): Promise<void> {
    await this.cost.reward(callerKey(viewer), Math.max(cost, 1));
  }

  private async take(limiter: RateLimiterAbstract, key: string, points: number, limit: number, what: string): Promise<Allowance> {
    try {
      const result = await limiter.consume(key, points);
      return { limit, remaining: result.remainingPoints, resetSeconds: Math.ceil(result.msBeforeNext / 1000) };
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) throw tooMany(what, limit, this.settings.windowSeconds, rejection);
      throw rejection;
    }
  }

  /** A socket opens for the caller: false when they already hold as many as allowed. */
  openSocket(viewer: Viewer): boolean {
    const key = callerKey(viewer);
    const open = this.sockets.get(key) ?? 0;
    if (open >= this.settings.socketsPerCaller) return false;
    this.sockets.set(key, open + 1);
    return true;
  }

  closeSocket(viewer: Viewer): void {
    const key = callerKey(viewer);
    const open = (this.sockets.get(key) ?? 1) - 1;
    if (open > 0) this.sockets.set(key, open);
    else this.sockets.delete(key);
  }

  async stop(): Promise<void> {
    this.redis?.disconnect();
  }
}
