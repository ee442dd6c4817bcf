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

let cachedKey: { secret: string; key: Uint8Array } | undefined;

/** PLATFORM_SECRET: at least 32 characters; `npm start` generates one into .data/ for development. */
function signingKey(): Uint8Array {
  const secret = platformSecret();
  if (cachedKey?.secret !== secret) cachedKey = { secret, key: createHash('sha256').update(secret).digest() };
  return cachedKey.key;
}

/** Fails at start-up, not at the first request, when the secret is missing or weak. */
export function assertPlatformSecret(): void {
  signingKey();
}

export async function signInternalToken(viewer: Viewer, audience: string, requestId?: string): Promise<string> {
  return new SignJWT({
    kind: viewer.kind,
    role: viewer.role,
    perms: viewer.permissions,
    owners: viewer.owners,
    unowned: viewer.unowned,
    lines: viewer.lines,
    ip: viewer.ip,
    rid: requestId,
  })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(viewer.id)
    .setIssuer(ISSUER)
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime(`${LIFETIME_SECONDS}s`)
    .sign(signingKey());
}

export class InternalTokenError extends Error {}

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

/** The viewer a request to `audience` carries; InternalTokenError when it carries none that this platform signed for it. */
export async function verifyInternalToken(authorization: string | undefined, audience: string): Promise<Viewer> {
  const token = /^Bearer (\S+)$/.exec(authorization ?? '')?.[1];
  if (!token) throw new InternalTokenError('no platform token');
  try {
    const { payload: p } = await jwtVerify(token, signingKey(), { issuer: ISSUER, audience, algorithms: ['HS256'] });
    const kind = p.kind === 'user' || p.kind === 'api-key' || p.kind === 'system' ? p.kind : 'anonymous';
    return {
      id: String(p.sub),
      kind,
      role: typeof p.role === 'string' && isRole(p.role) ? p.role : null,
      permissions: strings(p.perms).filter(isPermission) as Permission[],
      owners: p.owners === null ? null : strings(p.owners),
      unowned: p.unowned === true,
      lines: p.lines === null ? null : strings(p.lines),
      ip: typeof p.ip === 'string' ? p.ip : null,
    };
  } catch (error) {
    if (error instanceof errors.JOSEError) throw new InternalTokenError(error.code);
    throw error;
  }
}
