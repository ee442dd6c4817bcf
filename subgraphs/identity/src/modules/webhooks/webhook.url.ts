import { isIP } from 'node:net';
import { badInput } from '@crm/kit/errors.js';
import { isPublicAddress } from './webhook.address-guard.js';

/**
 * The registration half of the SSRF guard: https only, no credentials in the URL, no private or loopback address
 * written as the host. (Names are resolved and checked again at every delivery: webhook.http.ts.) With
 * `allowPrivate` (development and tests) http:// and local addresses are accepted.
 */
export function checkWebhookUrl(raw: string, allowPrivate: boolean, field = 'url'): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw badInput(`${raw.slice(0, 100)} is not a URL: write it as https://partner.example/webhooks`, field);
  }
  if (url.protocol !== 'https:' && !(allowPrivate && url.protocol === 'http:')) throw badInput('A webhook URL must start with https://', field);
  if (url.username || url.password) throw badInput('A webhook URL must not carry a user name or password: deliveries are signed instead', field);
  // `localhost.` is localhost: a name's trailing dot (the DNS root) must not hide it.
  const host = url.hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.+$/, '')
    .toLowerCase();
  const local = host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local') || host.endsWith('.internal');
  if (!allowPrivate && (local || (isIP(host) && !isPublicAddress(host)))) {
    throw badInput(`${host} is a private, loopback or reserved address: a webhook must reach a public one`, field);
  }
  url.hash = '';
  return url.toString();
}
