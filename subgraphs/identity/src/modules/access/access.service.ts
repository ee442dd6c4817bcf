import { createHash, randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { parseCidr, isTimeZone } from '@crm/kit/access/policy.js';
import type { Viewer } from '@crm/kit/access/viewer.js';
import { badInput, notFound, conflict } from '@crm/kit/errors.js';
import { recordEvent } from '@crm/kit/events.js';
import { parseId } from '@crm/kit/ids.js';
import { assertVersion } from '@crm/kit/versioning.js';
import type { AccessHoursInput } from './access-hours.js';
import { AccessRule, AccessRuleScope } from './access-rule.entity.js';
import type { CreateApiKeyInput, SetAccessRuleInput } from './access.inputs.js';
import { ApiKey } from './api-key.entity.js';

/** What identifies an API key to the gateway: `Authorization: Bearer crmk_…`. */
export const API_KEY_PREFIX = 'crmk_';
export const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');

function newSecret(): { secret: string; prefix: string } {
  const prefix = `${API_KEY_PREFIX}${randomBytes(6).toString('base64url').slice(0, 8)}`;
  return { secret: `${prefix}_${randomBytes(32).toString('base64url')}`, prefix };
}

function checkCidrs(cidrs: readonly string[], field: string): string[] {
  const bad = cidrs.filter((cidr) => !parseCidr(cidr));
  if (bad.length)
    throw badInput(
      `${bad.join(', ')} ${bad.length === 1 ? 'is not a network' : 'are not networks'}: write them as CIDR, e.g. 192.0.2.0/24 or 2001:db8::/32`,
      field,
    );
  return [...new Set(cidrs.map((cidr) => cidr.trim()))];
}

function checkHours(hours: AccessHoursInput | null | undefined, field: string) {
  if (!hours) return null;
  if (!isTimeZone(hours.timeZone)) throw badInput(`${hours.timeZone} is not a time zone: use an IANA name such as Europe/Prague`, `${field}.timeZone`);
  return { from: hours.from, to: hours.to, days: [...new Set(hours.days)], timeZone: hours.timeZone };
}

const keyEvent = (em: EntityManager, key: ApiKey, type: 'ApiKeyCreated' | 'ApiKeyRotated' | 'ApiKeyRevoked') =>
  recordEvent(em, { type, aggregateId: key.id, payload: { apiKeyId: key.id, name: key.name, scopes: key.scopes } });

export async function createApiKey(em: EntityManager, input: CreateApiKeyInput, viewer: Viewer): Promise<{ apiKey: ApiKey; secret: string }> {
  if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) throw badInput('expiresAt must be in the future', 'expiresAt');
  if (input.scopes.length === 0) throw badInput('Give the key at least one scope', 'scopes');
  const { secret, prefix } = newSecret();
  const apiKey = em.create(ApiKey, {
    name: input.name.trim(),
    prefix,
    secretHash: hashSecret(secret),
    scopes: [...new Set(input.scopes)],
    allowedCidrs: checkCidrs(input.allowedCidrs, 'allowedCidrs'),
    allowedHours: checkHours(input.allowedHours, 'allowedHours'),
    expiresAt: input.expiresAt ?? null,
    createdBy: viewer.id,
  });
  keyEvent(em, apiKey, 'ApiKeyCreated');
  await em.flush();
  return { apiKey, secret };
}

async function getApiKey(em: EntityManager, id: string, version: number): Promise<ApiKey> {
  const apiKey = await em.findOne(ApiKey, { id: parseId(id, 'ApiKey') });
  if (!apiKey) throw notFound('ApiKey', id);
  assertVersion(apiKey, version, 'ApiKey');
  return apiKey;
}

/** A new secret for the same key (scopes, networks, history); the old secret stops working at once. */
export async function rotateApiKey(em: EntityManager, id: string, version: number): Promise<{ apiKey: ApiKey; secret: string }> {
  const apiKey = await getApiKey(em, id, version);
  if (apiKey.revokedAt) throw conflict('A revoked key cannot be rotated: create a new one', 'id');
  const { secret, prefix } = newSecret();
  apiKey.secretHash = hashSecret(secret);
  apiKey.prefix = prefix;
  keyEvent(em, apiKey, 'ApiKeyRotated');
  await em.flush();
  return { apiKey, secret };
}

export async function revokeApiKey(em: EntityManager, id: string, version: number): Promise<ApiKey> {
  const apiKey = await getApiKey(em, id, version);
  if (apiKey.revokedAt) return apiKey;
  apiKey.revokedAt = new Date();
  keyEvent(em, apiKey, 'ApiKeyRevoked');
  await em.flush();
  return apiKey;
}

/**
 * The key whose secret hashes so, if it may be used now; its lastUsedAt is kept to the minute (a plain UPDATE:
 * using a key is no change of it, so no version bump and no audit entry of its own).
 */
export async function findUsableApiKey(em: EntityManager, secretHash: string): Promise<ApiKey | null> {
  const apiKey = await em.findOne(ApiKey, { secretHash, revokedAt: null });
  if (!apiKey || (apiKey.expiresAt && apiKey.expiresAt.getTime() <= Date.now())) return null;
  if (!apiKey.lastUsedAt || Date.now() - apiKey.lastUsedAt.getTime() > 60_000) {
    await em.execute(
      `update api_key set last_used_at = now() where id = ? and (last_used_at is null or last_used_at < now() - interval '1 minute')`,
      [apiKey.id],
      'run',
    );
  }
  return apiKey;
}

const appliesTo = (scope: AccessRuleScope, role: string | null | undefined) => (scope === AccessRuleScope.ORGANIZATION ? 'ORGANIZATION' : `ROLE:${role}`);

export async function setAccessRule(em: EntityManager, input: SetAccessRuleInput): Promise<AccessRule> {
  if (input.scope === AccessRuleScope.ROLE && !input.role) throw badInput('A ROLE rule names its role', 'role');
  if (input.scope === AccessRuleScope.ORGANIZATION && input.role) throw badInput('An ORGANIZATION rule applies to every role: leave role out', 'role');
  const key = appliesTo(input.scope, input.role);
  await em.execute(`select pg_advisory_xact_lock(hashtext(?))`, [`access-rule:${key}`], 'all');
  const rule = (await em.findOne(AccessRule, { appliesTo: key })) ?? em.create(AccessRule, { appliesTo: key, scope: input.scope, role: input.role ?? null });
  rule.cidrs = checkCidrs(input.cidrs, 'cidrs');
  rule.hours = checkHours(input.hours, 'hours') as AccessRule['hours'];
  recordEvent(em, {
    type: 'AccessRuleChanged',
    aggregateId: rule.id,
    payload: { appliesTo: key, cidrs: rule.cidrs, hours: rule.hours ?? null },
  });
  await em.flush();
  return rule;
}

export async function removeAccessRule(em: EntityManager, scope: AccessRuleScope, role: string | null | undefined): Promise<boolean> {
  const rule = await em.findOne(AccessRule, { appliesTo: appliesTo(scope, role) });
  if (!rule) return false;
  recordEvent(em, { type: 'AccessRuleRemoved', aggregateId: rule.id, payload: { appliesTo: rule.appliesTo } });
  em.remove(rule);
  await em.flush();
  return true;
}
