import type { EntityManager } from '@mikro-orm/postgresql';
import { platform } from '@crm/kit/config.js';
import type { GraphClient } from '@crm/kit/graph-client.js';
import type { Logger } from '@crm/kit/logger.js';
import { sales } from '../../settings.js';
import { FinancingOption, QuoteLine, type Quote } from './quote.entity.js';
import { QuoteDocument } from './quote-document.entity.js';
import { renderQuotePdf } from './quote.pdf.js';
import { isQuoteLanguage, type QuoteLanguage } from './quote.pdf.labels.js';

/** The language of a quote's document and page: its own, else DEALER_LANGUAGE. */
export const languageOf = (quote: Quote): QuoteLanguage => (isQuoteLanguage(quote.language) ? quote.language : platform().DEALER_LANGUAGE);

/**
 * Renders the quote as it is now into its PDF and keeps it (one per version sent), written by the caller's flush.
 * `lines` and `financing` are the quote's, when the caller has read them already.
 */
export async function createQuoteDocument(
  em: EntityManager,
  quote: Quote,
  options: { customerName: string | null; sentAt: Date; lines?: QuoteLine[]; financing?: FinancingOption[] },
): Promise<QuoteDocument> {
  const settings = sales();
  const language = languageOf(quote);
  const content = await renderQuotePdf({
    quote,
    lines: options.lines ?? (await em.find(QuoteLine, { quoteId: quote.id }, { orderBy: { position: 'asc' } })),
    financing: options.financing ?? (await em.find(FinancingOption, { quoteId: quote.id }, { orderBy: { position: 'asc' } })),
    language,
    dealer: { name: platform().DEALER_NAME, details: settings.QUOTE_DEALER_DETAILS ?? null },
    customerName: options.customerName,
    sentAt: options.sentAt,
    timeZone: platform().DEALER_TIME_ZONE,
  });
  return em.create(QuoteDocument, {
    quoteId: quote.id,
    quoteVersion: quote.version,
    language,
    sizeBytes: content.length,
    content,
    createdAt: options.sentAt,
    updatedAt: options.sentAt,
  });
}

/** The quote's latest document (without its bytes unless asked), or null when it was never sent. */
export function latestQuoteDocument(em: EntityManager, quoteId: string, withContent = false): Promise<QuoteDocument | null> {
  return em.findOne(QuoteDocument, { quoteId }, { orderBy: { createdAt: 'desc', id: 'desc' }, ...(withContent ? { populate: ['content'] as const } : {}) });
}

/** The customer's name for their document, asked from identity (whose data it is); null, logged, when it cannot answer. */
export async function customerNameFrom(graph: GraphClient, customerId: string, log: Logger): Promise<string | null> {
  try {
    const { customer } = await graph.query<{ customer: { displayName: string } | null }>(
      'identity',
      'query QuoteCustomer($id: ID!) { customer(id: $id) { displayName } }',
      { id: customerId },
    );
    return customer?.displayName ?? null;
  } catch (error) {
    log.warn({ err: error, customerId }, "the quote's document names no customer: identity did not answer");
    return null;
  }
}
