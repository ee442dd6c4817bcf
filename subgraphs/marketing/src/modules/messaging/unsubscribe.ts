import { signLinkToken } from '@crm/kit/access/link-token.js';
import { publicUrl } from '@crm/kit/config.js';

/** The purpose of the token in a marketing message's unsubscribe link (it names the message). */
export const UNSUBSCRIBE = 'unsubscribe';
/** The purpose of the token in a tracked link (it names the message and where the link goes). */
export const CLICK = 'click';
const LINK_VALID_MS = 365 * 86_400_000;

/** The link at the foot of every marketing message (and its List-Unsubscribe header). */
export async function unsubscribeUrl(messageSendId: string): Promise<string> {
  const token = await signLinkToken(UNSUBSCRIBE, messageSendId, new Date(Date.now() + LINK_VALID_MS));
  return `${publicUrl()}/public/marketing/unsubscribe/${token}`;
}

/**
 * A marketing message's links, each through a tracked link that records the click and redirects to it; the address
 * is inside the signed token, so the redirect goes only where the message said (no open redirect).
 */
export async function trackLinks(text: string, messageSendId: string): Promise<string> {
  const own = `${publicUrl()}/public/marketing/`;
  const urls = [...new Set(text.match(LINK) ?? [])].filter((url) => !url.startsWith(own));
  const tracked = new Map<string, string>();
  for (const url of urls) {
    tracked.set(url, `${own}click/${await signLinkToken(CLICK, `${messageSendId} ${url}`, new Date(Date.now() + LINK_VALID_MS))}`);
  }
  // Each link where it stands, in one pass: replacing one address everywhere also cut into a longer one it begins.
  return text.replace(LINK, (url) => tracked.get(url) ?? url);
}

const LINK = /https?:\/\/[^\s<>"')\]]+/g;

/** A link to a customer's page (`/public/<subgraph>/<route>/<signed token>`), up to where its token begins. */
const CUSTOMER_LINK = /(https?:\/\/[^\s<>"')\]]*?\/public\/[a-z]+\/[a-z-]+\/)[^\s<>"')\]]+/g;

/**
 * A message as staff read it: each link to the customer's own pages (the quote's page, unsubscribe, a tracked link)
 * without its signed token. The token lets whoever holds it act as the customer (the quote counts as viewed, the
 * customer is unsubscribed, a click is recorded), so it stays in the message the customer got.
 */
export const withoutCustomerTokens = (text: string): string => text.replace(CUSTOMER_LINK, '$1…');
