import { signLinkToken } from '@crm/kit/access/link-token.js';
import type { Quote } from './quote.entity.js';

export const QUOTE_VIEW = 'quote-view';
const DAY = 24 * 3_600_000;

/** The token of the quote's link: valid to the end of its validUntil day, or 30 days. */
export function quoteViewToken(quote: Quote): Promise<string> {
  const expiresAt = quote.validUntil ? new Date(Date.parse(`${quote.validUntil}T23:59:59Z`)) : new Date(Date.now() + 30 * DAY);
  return signLinkToken(QUOTE_VIEW, quote.id, expiresAt);
}
