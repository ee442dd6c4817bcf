import { createHash } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { API_KEY_SCOPES, isPermission, isRole, ROLE_PERMISSIONS, type Permission, type Role } from '@crm/kit/access/permissions.js';
import { hoursEnd, ruleRefusal, type AccessRule } from '@crm/kit/access/policy.js';
import { ANONYMOUS, type Viewer } from '@crm/kit/access/viewer.js';
import type { BusEvent } from '@crm/kit/bus/index.js';
import type { GraphClient } from '@crm/kit/graph-client.js';
import type { Logger } from '@crm/kit/logger.js';
import type { AuditRecorder } from './audit-recorder.js';

/** `Authorization: Bearer crmk_…` is a partner's API key; any other bearer token is a person's JWT. */
export const API_KEY_PREFIX = 'crmk_';

/** Identity's records that decide who may do what: a change to one is announced on the bus. */
const ACCESS_AGGREGATES: ReadonlySet<string> = new Set(['User', 'Team', 'ApiKey', 'AccessRule']);
export const changesAccess = (event: BusEvent): boolean => event.stream === 'identity' && ACCESS_AGGREGATES.has(event.aggregateType);
const CACHE_MS = 30_000;
const MAX_CACHED = 10_000;

/** A refused credential or call: 401 for who-are-you, 403 for not-allowed, with a message naming the reason. */
export class AccessDenied extends GraphQLError {
  constructor(code: 'UNAUTHENTICATED' | 'FORBIDDEN', message: string) {
    super(message, { extensions: { code, http: { status: code === 'UNAUTHENTICATED' ? 401 : 403 } } });
  }
}

export interface Authenticated {
  viewer: Viewer;
  /** When the credential stops working (a token's exp, a key's expiry); live sockets are closed then. */
  expiresAt: Date | null;
  /** When the hours its access rules allow now end (null: no hours apply); live sockets are checked again then. */
  allowedUntil: Date | null;
}

interface Caller {
  id: string;
  name: string;
  kind: 'user' | 'api-key';
  role: string | null;
  scopes: string[];
  teamMemberIds: string[];
  supportLines: string[];
  cidrs: string[];
  hours: AccessRule['hours'];
  expiresAt?: string | null;
}

const CALLER_FIELDS = 'id name kind role scopes teamMemberIds supportLines cidrs hours { from to days timeZone } expiresAt';

export interface AuthOptions {
  issuer: string;
  audience: string;
  keys: JWTVerifyGetKey;
  /** Identity, asked as the platform itself. */
  graph: GraphClient;
  audit: AuditRecorder;
  log: Logger;
}

/** Seconds a token's expiry (and not-before) may be off between its issuer's clock and ours. */
const CLOCK_TOLERANCE_S = 5;

class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; until: number }>();
  get(key: string): V | undefined {
    const hit = this.entries.get(key);
    if (hit && hit.until > Date.now()) return hit.value;
    this.entries.delete(key);
    return undefined;
  }
  set(key: string, value: V): void {
    if (this.entries.size >= MAX_CACHED) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { value, until: Date.now() + CACHE_MS });
  }
  clear(): void {
    this.entries.clear();
  }
}

/**
 * Turns a request's credentials into the viewer every subgraph receives: verifies a person's JWT against the
 * configured issuer (signature, issuer, audience, expiry) and maps its subject to an active identity user, or
 * recognises an API key by the hash of its secret; then applies the access rules (networks and hours). Identity's
 * answers are cached for 30 s and dropped as soon as identity announces a change (users, teams, keys, rules).
 */
export class Authenticator {
  private readonly staff = new TtlCache<Caller | null>();
  private readonly keys = new TtlCache<Caller | null>();
  private rules?: { value: Promise<Map<string, AccessRule>>; until: number };
  private readonly seenTokens = new TtlCache<true>();
  private readonly verifiedTokens = new TtlCache<{ subject: string; exp: number | null }>();
  private readonly keyUses = new Map<string, { count: number; since: number; viewer: Viewer }>();

  constructor(private readonly options: AuthOptions) {}

  async authenticate(authorization: string | undefined, ip: string | null, requestId: string): Promise<Authenticated> {
    if (!authorization) return { viewer: { ...ANONYMOUS, ip }, expiresAt: null, allowedUntil: null };
    const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
    if (!token) return this.deny('UNAUTHENTICATED', 'Send credentials as Authorization: Bearer <token or API key>', { ip, requestId });
    return token.startsWith(API_KEY_PREFIX) ? this.apiKey(token, ip, requestId) : this.person(token, ip, requestId);
  }

  /** Identity changed who may do what: forget what was cached about it. */
  onIdentityEvent(event: BusEvent): void {
    if (!changesAccess(event)) return;
    if (event.aggregateType === 'User' || event.aggregateType === 'Team') this.staff.clear();
    if (event.aggregateType === 'ApiKey') this.keys.clear();
    if (event.aggregateType === 'AccessRule') this.rules = undefined;
  }

  private async person(token: string, ip: string | null, requestId: string): Promise<Authenticated> {
    const tokenId = hash(token);
    // A verified signature is remembered for up to 30 s (never past the token's expiry): an ES256/RS256 check
    // costs more than the rest of a small request.
    let claims = this.verifiedTokens.get(tokenId);
    if (claims?.exp && (claims.exp + CLOCK_TOLERANCE_S) * 1000 <= Date.now()) claims = undefined;
    if (!claims) {
      try {
        const { payload } = await jwtVerify(token, this.options.keys, {
          issuer: this.options.issuer,
          audience: this.options.audience,
          clockTolerance: CLOCK_TOLERANCE_S,
        });
        if (!payload.sub) return this.deny('UNAUTHENTICATED', 'The token names no subject (sub)', { ip, requestId });
        claims = { subject: payload.sub, exp: payload.exp ?? null };
        this.verifiedTokens.set(tokenId, claims);
      } catch (error) {
        return this.deny('UNAUTHENTICATED', tokenProblem(error), { ip, requestId });
      }
    }
    const { subject } = claims;
    const expiresAt = claims.exp ? new Date(claims.exp * 1000) : null;
    const caller = await this.lookup(this.staff, subject, 'staffCaller(subject: $key)', 'String!');
    if (!caller || !caller.role || !isRole(caller.role)) {
      return this.deny('UNAUTHENTICATED', 'No active member of staff signs in with this token: an admin links them with createUser or updateUser (subject)', {
        ip,
        requestId,
        actor: subject,
      });
    }
    const viewer = personViewer(caller, caller.role, ip);
    const rules = await this.accessRules();
    const now = new Date();
    const applied: AccessRule[] = [];
    for (const [key, name] of [
      ['ORGANIZATION', "The organisation's access rule"],
      [`ROLE:${caller.role}`, `The access rule of ${caller.role}`],
    ] as const) {
      const rule = rules.get(key);
      const refusal = rule && ruleRefusal(rule, ip, now, name);
      if (refusal) return this.deny('FORBIDDEN', refusal, { ip, requestId, actor: caller.id, viewer });
      if (rule) applied.push(rule);
    }
    if (!this.seenTokens.get(tokenId)) {
      this.seenTokens.set(tokenId, true);
      this.options.audit.record({
        actorId: viewer.id,
        actorKind: 'user',
        operation: 'SIGN_IN',
        outcome: 'DONE',
        requestId,
        clientIp: ip,
        details: { name: caller.name, role: caller.role },
      });
    }
    return { viewer, expiresAt, allowedUntil: earliestHoursEnd(applied, now) };
  }

  private async apiKey(secret: string, ip: string | null, requestId: string): Promise<Authenticated> {
    const caller = await this.lookup(this.keys, hash(secret), 'apiKeyCaller(secretHash: $key)', 'String!');
    // A cached answer outlives the key's expiry by up to CACHE_MS: the expiry is checked on every call.
    const expired = !!caller?.expiresAt && new Date(caller.expiresAt).getTime() <= Date.now();
    if (!caller || expired)
      return this.deny('UNAUTHENTICATED', 'This API key is unknown, revoked or expired', { ip, requestId, actor: `${secret.slice(0, 13)}…` });
    const viewer: Viewer = {
      id: caller.id,
      kind: 'api-key',
      role: null,
      owners: null,
      unowned: true,
      lines: null,
      ip,
      permissions: caller.scopes.filter((s): s is Permission => isPermission(s) && API_KEY_SCOPES.includes(s)),
    };
    const rule: AccessRule = { cidrs: caller.cidrs, hours: caller.hours };
    const now = new Date();
    const refusal = ruleRefusal(rule, ip, now, `API key "${caller.name}"`);
    if (refusal) return this.deny('FORBIDDEN', refusal, { ip, requestId, actor: caller.id, viewer });
    this.countKeyUse(viewer, requestId);
    return { viewer, expiresAt: caller.expiresAt ? new Date(caller.expiresAt) : null, allowedUntil: earliestHoursEnd([rule], now) };
  }

  /** One audit entry per key and minute, with how many calls it made: every use is accounted for without one row each. */
  private countKeyUse(viewer: Viewer, requestId: string): void {
    const use = this.keyUses.get(viewer.id);
    if (use && Date.now() - use.since < 60_000) {
      use.count++;
      return;
    }
    if (use)
      this.options.audit.record({
        actorId: viewer.id,
        actorKind: 'api-key',
        operation: 'API_KEY_USED',
        outcome: 'DONE',
        clientIp: use.viewer.ip,
        details: { requests: use.count, since: new Date(use.since).toISOString() },
      });
    this.keyUses.set(viewer.id, { count: 1, since: Date.now(), viewer });
    this.options.audit.record({
      actorId: viewer.id,
      actorKind: 'api-key',
      operation: 'API_KEY_USED',
      outcome: 'DONE',
      requestId,
      clientIp: viewer.ip,
      details: { requests: 1 },
    });
  }

  private async lookup(cache: TtlCache<Caller | null>, key: string, field: string, type: string): Promise<Caller | null> {
    const cached = cache.get(key);
    if (cached !== undefined) return cached;
    const data = await this.options.graph.query<Record<string, Caller | null>>('identity', `query($key: ${type}) { caller: ${field} { ${CALLER_FIELDS} } }`, {
      key,
    });
    cache.set(key, data.caller ?? null);
    return data.caller ?? null;
  }

  private accessRules(): Promise<Map<string, AccessRule>> {
    if (!this.rules || this.rules.until <= Date.now()) {
      const value = this.options.graph
        .query<{ rules: Array<AccessRule & { appliesTo: string }> }>(
          'identity',
          'query { rules: callerAccessRules { appliesTo cidrs hours { from to days timeZone } } }',
        )
        .then(({ rules }) => new Map(rules.map((rule) => [rule.appliesTo, { cidrs: rule.cidrs, hours: rule.hours }])));
      value.catch(() => (this.rules = undefined));
      this.rules = { value, until: Date.now() + CACHE_MS };
    }
    return this.rules.value;
  }

  private deny(code: 'UNAUTHENTICATED' | 'FORBIDDEN', message: string, at: { ip: string | null; requestId: string; actor?: string; viewer?: Viewer }): never {
    this.options.audit.record({
      actorId: at.viewer?.id ?? at.actor ?? 'anonymous',
      actorKind: at.viewer?.kind ?? 'anonymous',
      operation: code === 'UNAUTHENTICATED' ? 'SIGN_IN' : 'ACCESS_POLICY',
      outcome: 'DENIED',
      reason: message,
      requestId: at.requestId,
      clientIp: at.ip,
    });
    throw new AccessDenied(code, message);
  }
}

/** When the first of the hours the rules allow at `now` ends; null when none of them has hours. */
function earliestHoursEnd(rules: readonly AccessRule[], now: Date): Date | null {
  const ends = rules.flatMap((rule) => hoursEnd(rule, now) ?? []);
  return ends.length ? new Date(Math.min(...ends.map((end) => end.getTime()))) : null;
}

/** A person's viewer: their role's permissions and, for sales and service roles, the rows they work on. */
export function personViewer(caller: Pick<Caller, 'id' | 'teamMemberIds' | 'supportLines'>, role: Role, ip: string | null): Viewer {
  const sales = role === 'SALES_REP' || role === 'SALES_MANAGER';
  return {
    id: caller.id,
    kind: 'user',
    role,
    ip,
    permissions: ROLE_PERMISSIONS[role],
    owners: sales ? caller.teamMemberIds.map((id) => id.toLowerCase()) : null,
    unowned: role !== 'SALES_REP',
    lines: role === 'SERVICE_AGENT' ? caller.supportLines : null,
  };
}

const hash = (value: string) => createHash('sha256').update(value).digest('hex');

function tokenProblem(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'The token has expired: sign in again';
  if (error instanceof errors.JWTClaimValidationFailed) return `The token is not for this platform (${error.claim} does not match)`;
  if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSNoMatchingKey)
    return 'The token is not signed by the configured issuer';
  if (error instanceof errors.JOSEError) return 'The token is malformed or not a signed JWT';
  return 'The token could not be verified';
}
