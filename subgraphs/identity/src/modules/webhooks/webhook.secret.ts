import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { platformSecret } from '@crm/kit/config.js';

/**
 * A webhook's signing secret, Standard Webhooks style (`whsec_` + base64 of 32 random bytes). Unlike an API key's
 * secret it cannot be kept as a hash (deliveries are signed with it), so it is kept encrypted (AES-256-GCM, with a
 * key derived from PLATFORM_SECRET): a copy of the database alone does not sign anything.
 */
export const newWebhookSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

const key = () => Buffer.from(hkdfSync('sha256', platformSecret(), 'crm-webhooks', 'webhook signing secrets', 32));

export function sealSecret(secret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key(), iv);
  const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), sealed.toString('base64url')].join('.');
}

export function openSecret(stored: string): string {
  const [version, iv, tag, sealed] = stored.split('.');
  if (version !== 'v1' || !iv || !tag || !sealed) throw new Error('A webhook secret is stored in an unknown form');
  const decipher = createDecipheriv('aes-256-gcm', key(), Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(sealed, 'base64url')), decipher.final()]).toString('utf8');
}
