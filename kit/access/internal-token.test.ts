import { beforeAll, describe, expect, it } from '@jest/globals';
import { decodeJwt } from 'jose';
import { InternalTokenError, signInternalToken, verifyInternalToken } from './internal-token.js';
import type { Viewer } from './viewer.js';

const rep = (overrides: Partial<Viewer> = {}): Viewer => ({
  id: '7b1e0f7c-2a55-4d8e-8c1f-000000000301',
  kind: 'user',
  role: 'SALES_REP',
  permissions: ['customers:read'],
  owners: ['7b1e0f7c-2a55-4d8e-8c1f-000000000301'],
  unowned: false,
  lines: null,
  ip: '127.0.0.1',
  ...overrides,
});

describe("the platform's token between the gateway and a subgraph", () => {
  beforeAll(() => {
    process.env.PLATFORM_SECRET ??= 'a-test-secret-of-at-least-thirty-two-characters';
  });

  it('is signed once per caller and subgraph, and for each subgraph apart', async () => {
    const viewer = rep();
    const forSales = await signInternalToken(viewer, 'sales');
    expect(await signInternalToken(viewer, 'sales')).toBe(forSales);
    // The next request's viewer is a new object with the same claims: the token is reused across requests.
    expect(await signInternalToken(rep(), 'sales')).toBe(forSales);
    const forIdentity = await signInternalToken(viewer, 'identity');
    expect(forIdentity).not.toBe(forSales);
    expect(decodeJwt(forSales).aud).toBe('sales');
    expect(decodeJwt(forIdentity).aud).toBe('identity');
  });

  it('carries what the caller may do now: other claims are another token', async () => {
    const before = await signInternalToken(rep(), 'marketing');
    const widened = await signInternalToken(rep({ permissions: ['customers:read', 'customers:write'] }), 'marketing');
    expect(widened).not.toBe(before);
    expect(decodeJwt(widened).perms).toEqual(['customers:read', 'customers:write']);
    expect((await verifyInternalToken(`Bearer ${widened}`, 'marketing')).permissions).toEqual(['customers:read', 'customers:write']);
  });

  it('is refused by another subgraph even after the one it was signed for has verified (and remembered) it', async () => {
    const token = await signInternalToken(rep(), 'service');
    expect((await verifyInternalToken(`Bearer ${token}`, 'service')).role).toBe('SALES_REP');
    expect((await verifyInternalToken(`Bearer ${token}`, 'service')).role).toBe('SALES_REP');
    await expect(verifyInternalToken(`Bearer ${token}`, 'identity')).rejects.toBeInstanceOf(InternalTokenError);
    // And still accepted where it belongs.
    expect((await verifyInternalToken(`Bearer ${token}`, 'service')).id).toBe(rep().id);
  });

  it('hands out a copy of the remembered viewer, which a request cannot change for the next one', async () => {
    const token = await signInternalToken(rep(), 'sales');
    const first = await verifyInternalToken(`Bearer ${token}`, 'sales');
    first.permissions = [];
    expect((await verifyInternalToken(`Bearer ${token}`, 'sales')).permissions).toEqual(['customers:read']);
  });
});
