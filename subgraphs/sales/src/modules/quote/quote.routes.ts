import type { Request, Response, Router } from 'express';
import type { MikroORM } from '@mikro-orm/postgresql';
import { verifyLinkToken } from '@crm/kit/access/link-token.js';
import { conflict, DomainError } from '@crm/kit/errors.js';
import type { Logger } from '@crm/kit/logger.js';
import { platform } from '@crm/kit/config.js';
import { FinancingKind, FinancingOption, Quote, QuoteLine } from './quote.entity.js';
import { QuoteViewKind } from './quote-document.entity.js';
import { createQuoteDocument, languageOf, latestQuoteDocument } from './quote-document.service.js';
import { QUOTE_VIEW } from './quote.links.js';
import { formatMoney, formatPercent, isQuoteLanguage, QUOTE_LABELS, type QuoteLanguage } from './quote.pdf.labels.js';
import { recordQuoteView } from './quote.service.js';

/**
 * The customer's quote link, reached through the gateway at `/public/sales/quotes/<token>`: the page records an
 * OPENED view and shows the offer with a link to its PDF; `…/document.pdf` records a DOWNLOADED view and sends it.
 * The signed, expiring token is the only key: an expired one answers 410, a forged one 404, a quote no longer
 * open (rejected, expired) 410, each as a short page in the customer's language.
 */
export function quotePublicRoutes(router: Router, { orm, log }: { orm: MikroORM; log: Logger }): void {
  router.get('/quotes/:token', async (req, res) => {
    const opened = await open(req, res, QuoteViewKind.OPENED, 'WEB');
    if (!opened) return;
    const em = orm.em.fork();
    const [lines, financing] = await Promise.all([
      em.find(QuoteLine, { quoteId: opened.id }, { orderBy: { position: 'asc' } }),
      em.find(FinancingOption, { quoteId: opened.id }, { orderBy: { position: 'asc' } }),
    ]);
    noStore(res)
      .type('html')
      .send(quotePage(opened, lines, financing, `${encodeURIComponent(req.params.token!)}/document.pdf`));
  });

  router.get('/quotes/:token/document.pdf', async (req, res) => {
    const opened = await open(req, res, QuoteViewKind.DOWNLOADED, 'DOWNLOAD');
    if (!opened) return;
    const document = await orm.em.fork().transactional(async (em) => {
      // A quote sent before documents were kept gets its document now, once.
      const kept = await latestQuoteDocument(em, opened.id, true);
      return kept ?? createQuoteDocument(em, opened, { customerName: null, sentAt: opened.updatedAt });
    });
    noStore(res)
      .type('application/pdf')
      .set('Content-Disposition', `attachment; filename="quote-${opened.id.slice(0, 8)}.pdf"`)
      .set('Content-Length', String(document.content.length))
      .end(document.content);
  });

  /** The quote the token names, with this view recorded (a HEAD request records nothing); null once answered with a page. */
  async function open(req: Request, res: Response, kind: QuoteViewKind, channel: string): Promise<Quote | null> {
    let quoteId: string;
    try {
      quoteId = await verifyLinkToken(QUOTE_VIEW, req.params.token as string);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const expired = error.extensions.reason === 'LINK_EXPIRED';
      noStore(res)
        .status(expired ? 410 : 404)
        .type('html')
        .send(messagePage(languageFrom(req), expired ? 'expired' : 'invalid'));
      return null;
    }
    const record = () => orm.em.fork().transactional((em) => recordQuoteView(em, quoteId, kind, channel));
    try {
      if (req.method === 'HEAD') {
        const quote = await orm.em.fork().findOneOrFail(Quote, { id: quoteId });
        if (quote.erasedAt) throw conflict('This quote is no longer available', 'id');
        return quote;
      }
      // Two first opens at once: one moves the quote to VIEWED, the other's version check fails; it records again.
      return await record().catch((error: unknown) => (error instanceof DomainError ? Promise.reject(error) : record()));
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      log.info({ quoteId, reason: error.message }, 'quote link of a quote no longer open');
      noStore(res)
        .status(410)
        .type('html')
        .send(messagePage(languageFrom(req), 'unavailable'));
      return null;
    }
  }
}

/** Never kept by a browser or proxy: each open reaches the platform (and is recorded), and the quote stays private. */
const noStore = (res: Response) => res.set('Cache-Control', 'no-store').set('X-Robots-Tag', 'noindex');

/** The first of the customer's preferred languages that a quote is written in, else DEALER_LANGUAGE. */
function languageFrom(req: Request): QuoteLanguage {
  const preferred = (req.headers['accept-language'] ?? '')
    .split(',')
    .map((part) => part.trim().slice(0, 2).toLowerCase())
    .find(isQuoteLanguage);
  return preferred ?? platform().DEALER_LANGUAGE;
}

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const page = (language: QuoteLanguage, title: string, body: string) => `<!doctype html>
<html lang="${language}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escape(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;width:100%}td,th{padding:.3rem .5rem;border-bottom:1px solid #ddd;text-align:left}
td.n,th.n{text-align:right}a.pdf{display:inline-block;margin-top:1.5rem;padding:.6rem 1rem;background:#1f5fa8;color:#fff;border-radius:.3rem;text-decoration:none}</style>
</head><body><main>${body}</main></body></html>`;

function messagePage(language: QuoteLanguage, message: 'expired' | 'invalid' | 'unavailable'): string {
  const t = QUOTE_LABELS[language];
  return page(language, t.quote, `<p>${escape(t[message])}</p>`);
}

function quotePage(quote: Quote, lines: QuoteLine[], financing: FinancingOption[], pdfHref: string): string {
  const language = languageOf(quote);
  const t = QUOTE_LABELS[language];
  const money = (amount: string) => escape(formatMoney(amount, quote.currency, language));
  const rows = lines.map((l) => `<tr><td>${escape(l.description)}</td><td class="n">${l.quantity}</td><td class="n">${money(l.netAmount)}</td></tr>`).join('');
  const ways = financing
    .map((f) =>
      f.kind === FinancingKind.CASH
        ? `<li>${t.CASH}: ${money(f.totalPaidAmount)}</li>`
        : `<li>${t[f.kind]}, ${f.termMonths} ${t.months}, ${escape(formatPercent(f.annualRatePercent ?? '0', language))}: ${t.monthlyPayment} ${money(f.monthlyPaymentAmount ?? '0')}</li>`,
    )
    .join('');
  return page(
    language,
    `${t.quote}: ${quote.title}`,
    `<p>${escape(platform().DEALER_NAME)}</p><h1>${escape(`${t.quote}: ${quote.title}`)}</h1>
<table><thead><tr><th>${t.item}</th><th class="n">${t.quantity}</th><th class="n">${t.net}</th></tr></thead><tbody>${rows}</tbody></table>
<p>${t.subtotal}: ${money(quote.subtotalAmount)} · ${t.discount}: ${money(quote.discountAmount)} · ${t.vat}: ${money(quote.taxAmount)}</p>
<p><strong>${t.total}: ${money(quote.totalAmount)}</strong></p>
${ways ? `<h2>${t.financing}</h2><ul>${ways}</ul>` : ''}
<a class="pdf" href="${escape(pdfHref)}">${t.download}</a>`,
  );
}
