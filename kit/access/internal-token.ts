import { createHash } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import { platformSecret } from '../config.js';
import { isPermission, isRole, type Permission } from './permissions.js';
import type { Viewer } from './viewer.js';

/**
 * The gateway is the only door: it verifies the client's credentials once, then tells each subgraph who is calling
 * in a token it signs for that subgraph alone (`aud`), valid for a minute. A subgraph refuses any request without
 * one (a forged header, a direct `_entities` call, a replayed old token). HMAC with a secret only the platform's
 * services hold (PLATFORM_SECRET): the same services sign and verify, so no key distribution is needed.
 */
export const INTERNAL_TOKEN_HEADER = 'authorization';
const ISSUER = 'crm-platform';
const LIFETIME_SECONDS = 60;

let cachedKey: Uint8Array | undefined;

/** PLATFORM_SECRET: at least 32 characters; `npm start` generates one into .data/ for development. */
function signingKey(): Uint8Array {
  // Called for every subgraph call and every token checked: derived once per process (the secret is set before a
  // service starts and never changes while it runs), not all the platform's settings read again per call (which
  // showed in the gateway's profile).
  cachedKey ??= createHash('sha256').update(platformSecret()).digest();
  return cachedKey;
}

/** Fails at start-up, not at the first request, when the secret is missing or weak. */
export function assertPlatformSecret(): void {
  signingKey();
}

/**
 * Signing and verifying cost more than the rest of a small request (WebCrypto runs each as a job): a token is
 * signed once per caller and subgraph and reused while it has at least half its life left, and a subgraph
 * remembers the tokens it verified until they expire. Both caches are bounded; the oldest entry goes first.
 */
const MAX_CACHED_TOKENS = 5000;
/** By caller (its claims), then by audience. */
const signed = new Map<string, Map<string, { token: string; reuseUntil: number }>>();
/** By the token alone (it names its one audience): a key made of audience and token was a long string built per call. */
const verified = new Map<string, { audience: string; viewer: Viewer; expiresAt: number }>();
/** A viewer's claims as the signed cache's key: the gateway signs one request's viewer for each subgraph it calls. */
const claimsKeys = new WeakMap<Viewer, string>();

function remember<V>(cache: Map<string, V>, key: string, value: V): void {
  if (cache.size >= MAX_CACHED_TOKENS) cache.delete(cache.keys().next().value!);
  cache.set(key, value);
}

const claimsOf = (viewer: Viewer) => ({
  kind: viewer.kind,
  role: viewer.role,
  perms: viewer.permissions,
  owners: viewer.owners,
  unowned: viewer.unowned,
  lines: viewer.lines,
  ip: viewer.ip,
});

export async function signInternalToken(viewer: Viewer, audience: string): Promise<string> {
  let claimsKey = claimsKeys.get(viewer);
  if (claimsKey === undefined) claimsKeys.set(viewer, (claimsKey = `${viewer.id}\n${JSON.stringify(claimsOf(viewer))}`));
  const cached = signed.get(claimsKey)?.get(audience);
  if (cached && cached.reuseUntil > Date.now()) return cached.token;
  const key = signingKey();
  const claims = claimsOf(viewer);
  const now = Math.floor(Date.now() / 1000);
  const token = await new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(viewer.id)
    .setIssuer(ISSUER)
    .setAudience(audience)
    .setIssuedAt(now)
    .setExpirationTime(now + LIFETIME_SECONDS)
    .sign(key);
  // Looked up again: another call for the same caller may have signed meanwhile.
  let forCaller = signed.get(claimsKey);
  if (!forCaller) remember(signed, claimsKey, (forCaller = new Map()));
  forCaller.set(audience, { token, reuseUntil: (now + LIFETIME_SECONDS / 2) * 1000 });
  return token;
}

export class InternalTokenError extends Error {}

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

/** The viewer a request to `audience` carries; InternalTokenError when it carries none that this platform signed for it. */
export async function verifyInternalToken(authorization: string | undefined, audience: string): Promise<Viewer> {
  const token = /^Bearer (\S+)$/.exec(authorization ?? '')?.[1];
  if (!token) throw new InternalTokenError('no platform token');
  const key = signingKey();
  // Remembered for its audience only: a token signed for another subgraph is checked again here, and refused, even
  // when that subgraph (same process, in tests) verified it.
  const known = verified.get(token);
  if (known && known.audience === audience && known.expiresAt > Date.now()) return { ...known.viewer };
  try {
    const { payload: p } = await jwtVerify(token, key, { issuer: ISSUER, audience, algorithms: ['HS256'] });
    const kind = p.kind === 'user' || p.kind === 'api-key' || p.kind === 'system' ? p.kind : 'anonymous';
    const viewer: Viewer = {
      id: String(p.sub),
      kind,
      role: typeof p.role === 'string' && isRole(p.role) ? p.role : null,
      permissions: strings(p.perms).filter(isPermission) as Permission[],
      owners: p.owners === null ? null : strings(p.owners),
      unowned: p.unowned === true,
      lines: p.lines === null ? null : strings(p.lines),
      ip: typeof p.ip === 'string' ? p.ip : null,
    };
    remember(verified, token, { audience, viewer, expiresAt: (p.exp ?? 0) * 1000 });
    return { ...viewer };
  } catch (error) {
    if (error instanceof errors.JOSEError) throw new InternalTokenError(error.code);
    throw error;
  }
}
