import { createHash } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';
import { platformSecret } from '../config.js';
import { DomainError } from '../errors.js';

/**
 * A signed, expiring token that goes into a link sent to a customer (e.g. "open your quote"): it names what it is
 * for and which record, so the public operation behind the link trusts the token, never an id a stranger could guess.
 */
const ISSUER = 'crm-links';
const key = () => createHash('sha256').update(`links:${platformSecret()}`).digest();

export function signLinkToken(purpose: string, subject: string, expiresAt: Date): Promise<string> {
  return new SignJWT({ purpose })
    .setProtectedHeader({ alg: 'HS256' })
    .setIssuer(ISSUER)
    .setSubject(subject)
    .setIssuedAt()
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(key());
}

/**
 * The purpose of the token `submitWebForm` answers with: the form's own client follows its lead live with it
 * (`connectionParams: { followToken }`), and nothing else.
 */
export const LEAD_FOLLOW = 'lead-follow';

/** The record the token names; BAD_USER_INPUT when it is forged, for something else, or expired. */
export async function verifyLinkToken(purpose: string, token: string): Promise<string> {
  return (await readLinkToken(purpose, token)).subject;
}

/** The record the token names and when the token expires; BAD_USER_INPUT when it is forged, for something else, or expired. */
export async function readLinkToken(purpose: string, token: string): Promise<{ subject: string; expiresAt: Date }> {
  try {
    const { payload } = await jwtVerify(token, key(), { issuer: ISSUER, algorithms: ['HS256'] });
    if (payload.purpose !== purpose || !payload.sub || !payload.exp) throw new DomainError('BAD_USER_INPUT', 'This link is not valid', { field: 'token' });
    return { subject: payload.sub, expiresAt: new Date(payload.exp * 1000) };
  } catch (error) {
    if (error instanceof errors.JWTExpired) throw new DomainError('BAD_USER_INPUT', 'This link has expired', { field: 'token', reason: 'LINK_EXPIRED' });
    if (error instanceof errors.JOSEError) throw new DomainError('BAD_USER_INPUT', 'This link is not valid', { field: 'token' });
    throw error;
  }
}
