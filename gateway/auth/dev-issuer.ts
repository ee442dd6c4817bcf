import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import express, { type Router } from 'express';
import { calculateJwkThumbprint, createLocalJWKSet, exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { isProduction } from '@crm/kit/config.js';

/**
 * A development stand-in for the dealer's OpenID Connect issuer (Keycloak, Entra ID, Auth0), so `npm start`
 * works in the first minute: its key pair is generated once into `dir` and kept, its JWKS is served at
 * /dev-issuer/jwks.json, and it signs tokens for the users whose subject is `dev|<e-mail>`. The gateway verifies
 * them exactly as it verifies a real issuer's. Never in production: createDevIssuer refuses NODE_ENV=production.
 */
export const DEV_ISSUER = 'urn:crm:dev-issuer';
export const DEV_SUBJECT_PREFIX = 'dev|';

export interface DevIssuer {
  issuer: string;
  jwks: { keys: JWK[] };
  /** A signed token for `subject`, valid `ttlSeconds` (default 8 hours; negative: already expired). */
  mint(subject: string, audience: string, ttlSeconds?: number): Promise<string>;
  router(listDemoUsers: () => Promise<DemoUser[]>, audience: string): Router;
}

export interface DemoUser {
  name: string;
  role: string | null;
  subject: string;
}

export async function createDevIssuer(dir: string): Promise<DevIssuer> {
  if (isProduction()) {
    throw new Error('The development issuer does not run in production: set AUTH_ISSUER, AUTH_AUDIENCE and AUTH_JWKS_URL to your OpenID Connect issuer');
  }
  const { privateJwk, publicJwk } = await loadOrCreateKeys(dir);
  const privateKey = await importJWK(privateJwk, 'ES256');
  const jwks = { keys: [publicJwk] };
  const issuer: DevIssuer = {
    issuer: DEV_ISSUER,
    jwks,
    mint: (subject, audience, ttlSeconds = 8 * 3600) =>
      new SignJWT({})
        .setProtectedHeader({ alg: 'ES256', kid: publicJwk.kid })
        .setIssuer(DEV_ISSUER)
        .setAudience(audience)
        .setSubject(subject)
        .setIssuedAt()
        .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
        .sign(privateKey),
    router(listDemoUsers, audience) {
      const router = express.Router();
      router.get('/dev-issuer/jwks.json', (_req, res) => void res.json(jwks));
      router.get('/dev-issuer/.well-known/openid-configuration', (_req, res) => void res.json({ issuer: DEV_ISSUER, jwks_uri: '/dev-issuer/jwks.json' }));
      // The IDE's user picker: a fresh token for each demo user (development only, like this whole issuer).
      router.get('/dev-issuer/demo-users', async (_req, res) => {
        const users = await listDemoUsers().catch(() => []);
        res.json(await Promise.all(users.map(async (user) => ({ ...user, token: await issuer.mint(user.subject, audience) }))));
      });
      return router;
    },
  };
  return issuer;
}

/** Verifies with the issuer's own key set (no HTTP round trip to itself). */
export const devIssuerKeys = (issuer: DevIssuer) => createLocalJWKSet(issuer.jwks);

async function loadOrCreateKeys(dir: string): Promise<{ privateJwk: JWK; publicJwk: JWK }> {
  const file = path.join(dir, 'dev-issuer-key.json');
  const saved = await readFile(file, 'utf8').then(
    (text) => JSON.parse(text) as JWK,
    () => null,
  );
  const privateJwk = saved ?? (await exportJWK((await generateKeyPair('ES256', { extractable: true })).privateKey));
  if (!saved) {
    await mkdir(dir, { recursive: true });
    await writeFile(file, JSON.stringify(privateJwk), { mode: 0o600 });
  }
  const { d: _private, ...publicPart } = privateJwk;
  const kid = await calculateJwkThumbprint(publicPart);
  return { privateJwk: { ...privateJwk, kid }, publicJwk: { ...publicPart, kid, alg: 'ES256', use: 'sig' } };
}
