import type { EntityManager } from '@mikro-orm/postgresql';
import type { GraphClient } from '@crm/kit/graph-client.js';
import type { Logger } from '@crm/kit/logger.js';
import type { QuotedProduct } from './projection.entity.js';
import { upsertConsentStates, upsertIdentityProfile, upsertOpportunityStates, upsertQuoteSnapshot } from './projection.service.js';

const PAGE = 100; // the most a connection gives in one page

interface Page<T> {
  edges: Array<{ node: T }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

async function* pages<T>(graph: GraphClient, subgraph: 'identity' | 'sales', field: string, query: string): AsyncGenerator<T[]> {
  let after: string | null = null;
  for (;;) {
    const data: Record<string, Page<T>> = await graph.query(subgraph, query, { first: PAGE, after });
    const page = data[field]!;
    yield page.edges.map((edge) => edge.node);
    if (!page.pageInfo.hasNextPage) return;
    after = page.pageInfo.endCursor;
  }
}

interface CustomerRow {
  id: string;
  updatedAt: string;
  kind: string;
  firstName: string | null;
  lastName: string | null;
  organizationName: string | null;
  birthDate: string | null;
  gender: string | null;
  industry: string | null;
  companySize: string | null;
  jobTitle: string | null;
  consents: Array<{ purpose: string; channel: string; status: string; recordedAt: string }>;
}

const CUSTOMERS = `query($first: Int, $after: String) { customers(first: $first, after: $after) {
  edges { node { id updatedAt kind firstName lastName organizationName birthDate gender industry companySize jobTitle
    consents { purpose channel status recordedAt } } }
  pageInfo { hasNextPage endCursor } } }`;

interface OpportunityRow {
  id: string;
  updatedAt: string;
  status: string;
  pipeline: { id: string };
  currentStage: { id: string; name: string; marker: string | null };
  owner: { id: string } | null;
  amount: { amount: string; currency: string };
  customer: { id: string };
  quotes: { edges: Array<{ node: QuoteRow }> };
}

interface QuoteRow {
  id: string;
  updatedAt: string;
  status: string;
  total: { amount: string; currency: string };
  lines: Array<{ product: { id: string; name: string; category: string } }>;
}

// An opportunity has a handful of quotes; 50 covers every real one.
const OPPORTUNITIES = `query($first: Int, $after: String) { opportunities(first: $first, after: $after, filter: { includeArchived: true }) {
  edges { node { id updatedAt status pipeline { id } currentStage { id name marker } owner { id } amount { amount currency } customer { id }
    quotes(first: 50) { edges { node { id updatedAt status total { amount currency } lines { product { id name category } } } } } } }
  pageInfo { hasNextPage endCursor } } }`;

/** The quote event a status stands for: the snapshot records the last one. */
const LAST_EVENT: Record<string, string> = {
  DRAFT: 'QuoteCreated',
  SENT: 'QuoteSent',
  VIEWED: 'QuoteViewed',
  ACCEPTED: 'QuoteAccepted',
  REJECTED: 'QuoteRejected',
  EXPIRED: 'QuoteExpired',
};

/**
 * Marketing's copies of identity's profiles and consents and of sales' opportunities and quotes, read again from
 * their owners through the graph (never their tables). Each fact is stamped with the owner's time of change, so
 * the events that come after the rebuild's starting point replay onto it in order.
 */
export async function rebuildProjections(em: EntityManager, graph: GraphClient, log: Logger): Promise<void> {
  let customers = 0;
  for await (const page of pages<CustomerRow>(graph, 'identity', 'customers', CUSTOMERS)) {
    for (const c of page) {
      await upsertIdentityProfile(em, {
        customerId: c.id,
        kind: c.kind,
        firstName: c.firstName,
        lastName: c.lastName,
        organizationName: c.organizationName,
        birthDate: c.birthDate,
        gender: c.gender,
        industry: c.industry,
        companySize: c.companySize,
        jobTitle: c.jobTitle,
        changedAt: new Date(c.updatedAt),
      });
    }
    await upsertConsentStates(
      em,
      page.flatMap((c) =>
        c.consents.map((consent) => ({
          customerId: c.id,
          purpose: consent.purpose,
          channel: consent.channel,
          granted: consent.status === 'GRANTED',
          changedAt: new Date(consent.recordedAt),
        })),
      ),
    );
    customers += page.length;
  }
  let opportunities = 0;
  for await (const page of pages<OpportunityRow>(graph, 'sales', 'opportunities', OPPORTUNITIES)) {
    await upsertOpportunityStates(
      em,
      page.map((o) => ({
        opportunityId: o.id,
        customerId: o.customer.id,
        isOpen: o.status === 'OPEN',
        status: o.status,
        changedAt: new Date(o.updatedAt),
        pipelineId: o.pipeline.id,
        stageId: o.currentStage.id,
        stageName: o.currentStage.name,
        marker: o.currentStage.marker,
        ownerId: o.owner?.id ?? null,
        amount: o.amount.amount,
        currency: o.amount.currency,
      })),
    );
    for (const o of page) {
      for (const { node: q } of o.quotes.edges) {
        const products: QuotedProduct[] = q.lines.map((l) => ({ productId: l.product.id, name: l.product.name, category: l.product.category }));
        await upsertQuoteSnapshot(em, {
          quoteId: q.id,
          opportunityId: o.id,
          customerId: o.customer.id,
          lastEvent: LAST_EVENT[q.status] ?? q.status,
          products,
          financing: null,
          totalAmount: q.total.amount,
          currency: q.total.currency,
          // The send time itself is not part of sales' API: a quote first seen sent is taken as sent when it last changed.
          sentAt: q.status === 'DRAFT' ? null : new Date(q.updatedAt),
          changedAt: new Date(q.updatedAt),
        });
      }
    }
    opportunities += page.length;
  }
  log.info({ customers, opportunities }, 'marketing projections rebuilt from identity and sales');
}
