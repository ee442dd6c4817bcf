import { signLinkToken } from '@crm/kit/access/link-token.js';
import { publicUrl } from '@crm/kit/config.js';
import { sales } from '../../settings.js';
import type { Quote } from './quote.entity.js';

export const QUOTE_VIEW = 'quote-view';
const DAY = 24 * 3_600_000;

/** The token of the quote's link: valid to the end of its validUntil day, or 30 days. */
export function quoteViewToken(quote: Quote): Promise<string> {
  const expiresAt = quote.validUntil ? new Date(Date.parse(`${quote.validUntil}T23:59:59Z`)) : new Date(Date.now() + 30 * DAY);
  return signLinkToken(QUOTE_VIEW, quote.id, expiresAt);
}

/**
 * The tracked link sent to the customer: `<PUBLIC_URL>/public/sales/quotes/<token>` shows the quote and offers its
 * PDF (`…/document.pdf`); each open and download is recorded. It opens for QUOTE_LINK_DAYS from `sentAt`.
 */
export async function quoteLinkUrl(quoteId: string, sentAt: Date): Promise<string> {
  const token = await signLinkToken(QUOTE_VIEW, quoteId, new Date(sentAt.getTime() + sales().QUOTE_LINK_DAYS * DAY));
  return `${publicUrl()}/public/sales/quotes/${token}`;
}
