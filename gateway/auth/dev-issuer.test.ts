import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { jwtVerify } from 'jose';
import { loadAuthConfig } from '../config.js';
import { createDevIssuer, DEV_ISSUER, devIssuerKeys } from './dev-issuer.js';

describe('the development issuer', () => {
  const env = { ...process.env };
  afterEach(() => {
    process.env = { ...env };
  });

  it('keeps its key across restarts and signs tokens its own key set verifies', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'dev-issuer-'));
    try {
      const first = await createDevIssuer(dir);
      const again = await createDevIssuer(dir);
      expect(again.jwks).toEqual(first.jwks);
      expect(JSON.stringify(first.jwks)).not.toContain('"d"'); // no private part in the published set
      const token = await first.mint('dev|someone@example.cz', 'crm-api');
      const { payload } = await jwtVerify(token, devIssuerKeys(again), { issuer: DEV_ISSUER, audience: 'crm-api' });
      expect(payload.sub).toBe('dev|someone@example.cz');
      expect(JSON.parse(await readFile(path.join(dir, 'dev-issuer-key.json'), 'utf8'))).toHaveProperty('d');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses to run in production, where an issuer must be configured', async () => {
    process.env.NODE_ENV = 'production';
    delete process.env.AUTH_ISSUER;
    await expect(createDevIssuer(path.join(tmpdir(), 'never'))).rejects.toThrow(/does not run in production/);
    expect(() => loadAuthConfig()).toThrow(/AUTH_ISSUER, AUTH_AUDIENCE and AUTH_JWKS_URL are required in production/);
    process.env.AUTH_ISSUER = 'https://keycloak.example/realms/dealer';
    process.env.AUTH_JWKS_URL = 'https://keycloak.example/realms/dealer/protocol/openid-connect/certs';
    expect(loadAuthConfig()).toEqual({
      issuer: 'https://keycloak.example/realms/dealer',
      audience: 'crm-api',
      jwksUrl: 'https://keycloak.example/realms/dealer/protocol/openid-connect/certs',
    });
  });
});
