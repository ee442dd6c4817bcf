import { Decimal } from 'decimal.js';
import { liveCustomerIds } from '@crm/kit/customer-aliases.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import { archived, badInput, conflict, notFound } from '@crm/kit/errors.js';
import { ownsRow, type Viewer } from '@crm/kit/access/viewer.js';
import { Opportunity, OpportunityStatus } from '../opportunity/opportunity.entity.js';
import { parseId } from '@crm/kit/ids.js';
import { assertVersion } from '@crm/kit/versioning.js';
import { recordOpportunityEvent } from '../opportunity/opportunity.events.js';
import { changeStage, getOpportunity, wonStageOf } from '../opportunity/opportunity.service.js';
import { getProduct } from '../product/product.service.js';
import { FinancingKind, FinancingOption, Quote, QuoteLine, QuoteStatus } from './quote.entity.js';
import type { AcceptQuoteInput, CreateQuoteInput, FinancingInput, QuoteLineInput, QuoteViewChannel } from './quote.inputs.js';
import { recordQuoteEvent, type QuoteSnapshot } from './quote.events.js';
import type { Specifics } from '@crm/kit/events.js';
import type { EventsAbout } from '@crm/kit/event-catalog.js';
import { cashFigures, cents, leaseFigures, lineAmounts, loanFigures, quoteTotals, type FinancingFigures } from './quote.math.js';
import { QuoteView, QuoteViewKind } from './quote-document.entity.js';
import { createQuoteDocument } from './quote-document.service.js';
import { quoteLinkUrl } from './quote.links.js';
import { findById } from '@crm/kit/rows.js';

/** The quote state machine: which status may follow which. */
const NEXT: Record<QuoteStatus, QuoteStatus[]> = {
  [QuoteStatus.DRAFT]: [QuoteStatus.SENT],
  [QuoteStatus.SENT]: [QuoteStatus.VIEWED, QuoteStatus.ACCEPTED, QuoteStatus.REJECTED, QuoteStatus.EXPIRED],
  [QuoteStatus.VIEWED]: [QuoteStatus.ACCEPTED, QuoteStatus.REJECTED, QuoteStatus.EXPIRED],
  [QuoteStatus.ACCEPTED]: [],
  [QuoteStatus.REJECTED]: [],
  [QuoteStatus.EXPIRED]: [],
};

/** A step the quote's status forbids is CONFLICT (the record's state, not the input, is what stands in the way). */
function assertTransition(quote: Quote, to: QuoteStatus): void {
  if (!NEXT[quote.status as QuoteStatus].includes(to)) {
    throw conflict(`A ${quote.status} quote cannot become ${to}; allowed next: ${NEXT[quote.status as QuoteStatus].join(', ') || 'none (it is final)'}`);
  }
}

function percent(value: string | null | undefined, field: string): string | null {
  if (value == null) return null;
  const number = new Decimal(value);
  if (number.isNegative() || number.greaterThan(100)) throw badInput(`${field} must be between 0 and 100`, field);
  return value;
}

function nonNegative(value: string | null | undefined, field: string): string | null {
  if (value != null && new Decimal(value).isNegative()) throw badInput(`${field} must not be negative`, field);
  return value ?? null;
}

/** With a viewer, only a quote of an opportunity they may see (others are NOT_FOUND). */
export async function getQuote(em: EntityManager, id: string, field = 'id', viewer?: Viewer): Promise<Quote> {
  const quote = await findById(em, Quote, parseId(id, 'Quote', field));
  if (!quote) throw notFound('Quote', id);
  if (viewer && !(await quoteVisible(em, quote, viewer))) throw notFound('Quote', id);
  return quote;
}

/** A quote is as visible as its opportunity; one made without an opportunity, as an unowned record. */
export async function quoteVisible(em: EntityManager, quote: Quote, viewer: Viewer): Promise<boolean> {
  if (viewer.owners === null) return true;
  if (!quote.opportunityId) return viewer.unowned;
  const opportunity = await findById(em, Opportunity, quote.opportunityId);
  return ownsRow(viewer, opportunity?.ownerId);
}

async function lockQuote(em: EntityManager, id: string, version: number, viewer: Viewer): Promise<Quote> {
  const quote = await getQuote(em, id, 'id', viewer);
  assertVersion(quote, version, 'Quote');
  return quote;
}

async function draft(em: EntityManager, id: string, version: number, viewer: Viewer): Promise<Quote> {
  const quote = await lockQuote(em, id, version, viewer);
  if (quote.status !== QuoteStatus.DRAFT) throw conflict(`A ${quote.status} quote can no longer be edited; create a new one`, 'id');
  return quote;
}

export async function createQuote(em: EntityManager, input: CreateQuoteInput, viewer: Viewer): Promise<Quote> {
  percent(input.taxRatePercent, 'taxRatePercent');
  const opportunity = input.opportunityId ? await getOpportunity(em, input.opportunityId, 'opportunityId', viewer) : null;
  if (!opportunity && !viewer.unowned) throw badInput('Make the quote for one of your opportunities (opportunityId)', 'opportunityId');
  const given = input.customerId ? parseId(input.customerId, 'Customer', 'customerId') : opportunity?.customerId;
  if (!given) throw badInput('A quote needs a customerId or an opportunityId', 'customerId');
  // The customers as they are now, their locks held until this write commits: a merge moving them waits for it, or
  // it for the merge, so the quote never stays behind on a merged customer (ADR 16).
  const live = await liveCustomerIds(em, opportunity ? [given, opportunity.customerId] : [given]);
  const customerId = live.get(given)!;
  if (opportunity && live.get(opportunity.customerId) !== customerId) throw badInput("customerId is not the opportunity's customer", 'customerId');
  const quote = em.create(Quote, {
    customerId,
    opportunityId: opportunity?.id ?? null,
    title: input.title.trim(),
    currency: input.currency,
    taxRatePercent: input.taxRatePercent,
    validUntil: input.validUntil ? String(input.validUntil).slice(0, 10) : null,
    language: input.language ?? null,
  });
  await recordQuoteEvent(em, quote, 'QuoteCreated', { title: quote.title, currency: quote.currency }, []);
  // Lines given with it are added as addQuoteLine adds them, each with its QuoteChanged.
  const lines: QuoteLine[] = [];
  for (const line of input.lines ?? []) lines.push(await addLine(em, quote, lines, line));
  await em.flush();
  return quote;
}

function figuresFor(option: FinancingOption, total: string): FinancingFigures {
  if (option.kind === FinancingKind.CASH) return cashFigures(total);
  const share = (pct: string | null | undefined, amount: string) => (pct != null ? cents(new Decimal(total).times(pct).div(100)) : amount);
  option.downPaymentAmount = share(option.downPaymentPercent, option.downPaymentAmount);
  option.residualValueAmount = share(option.residualValuePercent, option.residualValueAmount);
  if (new Decimal(option.downPaymentAmount).greaterThan(total)) throw badInput('The down payment is more than the quote total', 'downPaymentAmount');
  const financed = new Decimal(total).minus(option.downPaymentAmount);
  if (new Decimal(option.residualValueAmount).greaterThan(financed))
    throw badInput('The residual value is more than the financed amount', 'residualValueAmount');
  return option.kind === FinancingKind.LOAN
    ? loanFigures(total, option.downPaymentAmount, option.annualRatePercent!, option.termMonths!)
    : leaseFigures(total, option.downPaymentAmount, option.residualValueAmount, option.annualRatePercent!, option.termMonths!);
}

function applyFigures(option: FinancingOption, total: string): void {
  const figures = figuresFor(option, total);
  option.financedAmount = figures.financedAmount;
  option.monthlyPaymentAmount = figures.monthlyPayment;
  option.totalPaidAmount = figures.totalPaid;
  option.totalInterestAmount = figures.totalInterest;
}

/** Totals and financing follow the lines; all of it is written by the caller's flush. */
async function recalculate(em: EntityManager, quote: Quote, lines: QuoteLine[]): Promise<void> {
  const totals = quoteTotals(
    lines.map((line) => ({ gross: cents(new Decimal(line.unitPriceAmount).times(line.quantity)), discount: line.discountAmount, net: line.netAmount })),
    quote.taxRatePercent,
  );
  quote.subtotalAmount = totals.subtotal;
  quote.discountAmount = totals.discount;
  quote.taxAmount = totals.tax;
  quote.totalAmount = totals.total;
  for (const option of await em.find(FinancingOption, { quoteId: quote.id })) applyFigures(option, quote.totalAmount);
}

export async function addQuoteLine(em: EntityManager, quoteId: string, version: number, input: QuoteLineInput, viewer: Viewer): Promise<Quote> {
  const quote = await draft(em, quoteId, version, viewer);
  const lines = await em.find(QuoteLine, { quoteId: quote.id }, { orderBy: { position: 'asc' } });
  await addLine(em, quote, lines, input);
  await em.flush();
  return quote;
}

/** Adds a line after `lines` (the quote's, in order), recalculates the totals and records QuoteChanged; the caller flushes. */
async function addLine(em: EntityManager, quote: Quote, lines: QuoteLine[], input: QuoteLineInput): Promise<QuoteLine> {
  const product = await getProduct(em, input.productId, 'productId');
  if (!product.active) throw badInput(`Product ${product.sku} is no longer sold`, 'productId');
  const unitPrice = input.unitPrice ?? product.listPrice();
  nonNegative(unitPrice.amount, 'unitPrice');
  if (unitPrice.currency !== quote.currency) throw badInput(`The unit price is in ${unitPrice.currency} but the quote is in ${quote.currency}`, 'unitPrice');
  if (input.discountPercent != null && input.discountAmount != null)
    throw badInput('Give the discount in percent or as an amount, not both', 'discountPercent');
  const discount = { percent: percent(input.discountPercent, 'discountPercent'), amount: nonNegative(input.discountAmount, 'discountAmount') };
  const amounts = lineAmounts(input.quantity, unitPrice.amount, discount);
  if (new Decimal(amounts.net).isNegative()) throw badInput('The discount is more than the line is worth', 'discountAmount');
  const line = em.create(QuoteLine, {
    quoteId: quote.id,
    position: lines.length,
    productId: product.id,
    description: input.description?.trim() || product.name,
    quantity: input.quantity,
    unitPriceAmount: cents(unitPrice.amount),
    discountPercent: discount.percent,
    discountAmount: amounts.discount,
    netAmount: amounts.net,
    currency: quote.currency,
  });
  await recalculate(em, quote, [...lines, line]);
  await recordQuoteEvent(em, quote, 'QuoteChanged', { changedFields: ['lines', 'total'], lineId: line.id, productId: product.id }, [...lines, line]);
  return line;
}

function financingTerms(input: FinancingInput): { termMonths: number | null; annualRatePercent: string | null } {
  if (input.kind === FinancingKind.CASH) return { termMonths: null, annualRatePercent: null };
  if (input.termMonths == null) throw badInput(`A ${input.kind} needs termMonths`, 'termMonths');
  if (input.annualRatePercent == null) throw badInput(`A ${input.kind} needs annualRatePercent`, 'annualRatePercent');
  if (input.kind === FinancingKind.LEASE && input.residualValueAmount == null && input.residualValuePercent == null) {
    throw badInput('A LEASE needs residualValueAmount or residualValuePercent', 'residualValueAmount');
  }
  return { termMonths: input.termMonths, annualRatePercent: percent(input.annualRatePercent, 'annualRatePercent') };
}

export async function addQuoteFinancing(em: EntityManager, quoteId: string, version: number, input: FinancingInput, viewer: Viewer): Promise<Quote> {
  const quote = await draft(em, quoteId, version, viewer);
  if (new Decimal(quote.totalAmount).isZero()) throw badInput('Add lines to the quote before offering financing', 'quoteId');
  if (input.downPaymentAmount != null && input.downPaymentPercent != null)
    throw badInput('Give the down payment as an amount or a percent, not both', 'downPaymentAmount');
  if (input.residualValueAmount != null && input.residualValuePercent != null)
    throw badInput('Give the residual value as an amount or a percent, not both', 'residualValueAmount');
  const terms = financingTerms(input);
  const lease = input.kind === FinancingKind.LEASE;
  const option = em.create(FinancingOption, {
    quoteId: quote.id,
    position: await em.count(FinancingOption, { quoteId: quote.id }),
    kind: input.kind,
    ...terms,
    downPaymentPercent: input.kind === FinancingKind.CASH ? null : percent(input.downPaymentPercent, 'downPaymentPercent'),
    downPaymentAmount: cents(input.kind === FinancingKind.CASH ? 0 : (nonNegative(input.downPaymentAmount, 'downPaymentAmount') ?? 0)),
    residualValuePercent: lease ? percent(input.residualValuePercent, 'residualValuePercent') : null,
    residualValueAmount: cents(lease ? (nonNegative(input.residualValueAmount, 'residualValueAmount') ?? 0) : 0),
    financedAmount: '0',
    totalPaidAmount: '0',
    totalInterestAmount: '0',
    currency: quote.currency,
  });
  applyFigures(option, quote.totalAmount);
  quote.updatedAt = new Date(); // a new way to pay changes the offer: its version moves
  await recordQuoteEvent(em, quote, 'QuoteChanged', {
    changedFields: ['financingOptions'],
    financingOptionId: option.id,
    kind: option.kind,
    monthlyPayment: option.monthlyPaymentAmount,
  });
  await em.flush();
  return quote;
}

async function changeStatus<T extends EventsAbout<'Quote'>>(
  em: EntityManager,
  quote: Quote,
  to: QuoteStatus,
  type: T,
  payload: Specifics<T, QuoteSnapshot>,
  lines?: QuoteLine[],
): Promise<Quote> {
  assertTransition(quote, to);
  quote.status = to;
  await recordQuoteEvent(em, quote, type, payload, lines);
  await em.flush();
  return quote;
}

/**
 * Sends the quote: its PDF is rendered and kept, and QuoteSent carries the tracked link to it (documentUrl) for the
 * message to the customer. `customerName` asks identity for the name the document shows.
 */
export async function sendQuote(
  em: EntityManager,
  id: string,
  version: number,
  viewer: Viewer,
  options: { customerName?: (customerId: string) => Promise<string | null> } = {},
): Promise<Quote> {
  const quote = await lockQuote(em, id, version, viewer);
  const lines = await em.find(QuoteLine, { quoteId: quote.id }, { orderBy: { position: 'asc' } });
  if (lines.length === 0) throw badInput('A quote without lines cannot be sent', 'id');
  assertTransition(quote, QuoteStatus.SENT);
  const financing = await em.find(FinancingOption, { quoteId: quote.id }, { orderBy: { position: 'asc' } });
  const sentAt = new Date();
  const customerName = (await options.customerName?.(quote.customerId)) ?? null;
  await createQuoteDocument(em, quote, { customerName, sentAt, lines, financing });
  // Enough content for automations (e.g. a newsletter personalized from the offer) without reading back.
  return changeStatus(
    em,
    quote,
    QuoteStatus.SENT,
    'QuoteSent',
    {
      title: quote.title,
      validUntil: quote.validUntil ?? null,
      lines: lines.map((l) => ({ productId: l.productId, description: l.description, quantity: l.quantity, net: l.net() })),
      financing: financing.map((f) => ({ kind: f.kind, termMonths: f.termMonths ?? null, monthlyPayment: f.monthlyPayment() })),
      documentUrl: await quoteLinkUrl(quote.id, sentAt),
    },
    lines,
  );
}

/** Staff record that the customer opened the quote (a DOWNLOAD channel: downloaded it); see recordQuoteView. */
export function markQuoteViewed(em: EntityManager, id: string, channel?: QuoteViewChannel | null, viewer?: Viewer): Promise<Quote> {
  return recordQuoteView(em, id, channel === 'DOWNLOAD' ? QuoteViewKind.DOWNLOADED : QuoteViewKind.OPENED, channel ?? null, viewer);
}

/** Statuses whose quote the customer may still open: sent, already seen, or accepted (to read again what they took). */
const VIEWABLE: readonly string[] = [QuoteStatus.SENT, QuoteStatus.VIEWED, QuoteStatus.ACCEPTED];

/**
 * The customer opened (OPENED) or downloaded (DOWNLOADED) the quote: every time is recorded with its kind and time
 * (QuoteView, QuoteViewed); the first moves a SENT quote to VIEWED. The opportunity's owner sees each live
 * (OpportunityQuoteViewed on the opportunity's stream). Without a viewer: the customer, through the signed link.
 */
export async function recordQuoteView(em: EntityManager, id: string, kind: QuoteViewKind, channel: string | null, viewer?: Viewer): Promise<Quote> {
  const quote = await getQuote(em, id, 'id', viewer);
  // Its person was erased: nothing more is recorded about them (the link answers that the quote is unavailable).
  if (quote.erasedAt) throw conflict('This quote is no longer available', 'id');
  if (!VIEWABLE.includes(quote.status)) assertTransition(quote, QuoteStatus.VIEWED);
  const view = em.create(QuoteView, { quoteId: quote.id, kind, channel });
  const viewedAt = view.viewedAt.toISOString();
  const opportunity = quote.opportunityId ? await getOpportunity(em, quote.opportunityId, 'opportunityId') : null;
  if (opportunity) await recordOpportunityEvent(em, opportunity, 'OpportunityQuoteViewed', { quoteId: quote.id, channel, viewedAt, kind });
  if (quote.status === QuoteStatus.SENT) return changeStatus(em, quote, QuoteStatus.VIEWED, 'QuoteViewed', { viewedAt, channel, kind });
  await recordQuoteEvent(em, quote, 'QuoteViewed', { viewedAt, channel, kind });
  await em.flush();
  return quote;
}

/**
 * The customer took the offer: the quote is ACCEPTED and, in the same transaction, its opportunity is worth the
 * quote's total (amount and currency, OpportunityChanged with the quote's id); with `winOpportunity` the deal also
 * moves to its pipeline's WON stage (OpportunityStageChanged, OpportunityWon; its follow-ups close).
 */
export async function acceptQuote(em: EntityManager, id: string, version: number, viewer: Viewer, input?: AcceptQuoteInput | null): Promise<Quote> {
  const quote = await lockQuote(em, id, version, viewer);
  if (quote.validUntil && quote.validUntil < new Date().toISOString().slice(0, 10) && NEXT[quote.status as QuoteStatus].includes(QuoteStatus.ACCEPTED)) {
    throw badInput(`The quote expired on ${quote.validUntil}; send a new one`, 'id');
  }
  assertTransition(quote, QuoteStatus.ACCEPTED);
  const opportunity = quote.opportunityId ? await getOpportunity(em, quote.opportunityId, 'opportunityId') : null;
  if (input?.winOpportunity && !opportunity) throw badInput('The quote has no opportunity to win', 'input.winOpportunity');
  if (opportunity) {
    if (opportunity.archivedAt) throw archived('Opportunity', opportunity.id, 'id');
    const won = input?.winOpportunity && opportunity.status !== OpportunityStatus.WON ? await wonStageOf(em, opportunity) : null;
    await priceOpportunity(em, opportunity, quote);
    if (won) await changeStage(em, opportunity, won, viewer);
  }
  return changeStatus(em, quote, QuoteStatus.ACCEPTED, 'QuoteAccepted', { opportunityStatus: opportunity?.status ?? null });
}

/** The deal is worth what the customer accepted: the opportunity takes the quote's total (its version moves). */
async function priceOpportunity(em: EntityManager, opportunity: Opportunity, quote: Quote): Promise<void> {
  const changedFields = [
    ...(new Decimal(opportunity.amount).equals(quote.totalAmount) ? [] : ['amount']),
    ...(opportunity.currency !== quote.currency ? ['currency'] : []),
  ];
  if (changedFields.length === 0) return;
  opportunity.amount = quote.totalAmount;
  opportunity.currency = quote.currency;
  await recordOpportunityEvent(em, opportunity, 'OpportunityChanged', {
    changedFields,
    values: { amount: opportunity.amount, currency: opportunity.currency },
    quoteId: quote.id,
  });
}

export async function rejectQuote(em: EntityManager, id: string, version: number, viewer: Viewer, reason?: string | null): Promise<Quote> {
  const quote = await lockQuote(em, id, version, viewer);
  quote.rejectionReason = reason?.trim() || null;
  return changeStatus(em, quote, QuoteStatus.REJECTED, 'QuoteRejected', { reason: quote.rejectionReason });
}

export async function expireQuote(em: EntityManager, id: string, version: number, viewer: Viewer): Promise<Quote> {
  return changeStatus(em, await lockQuote(em, id, version, viewer), QuoteStatus.EXPIRED, 'QuoteExpired', {});
}
