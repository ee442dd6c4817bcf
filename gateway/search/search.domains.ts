import type { SubgraphName } from '@crm/kit/config.js';
import { REQUEST_ID_HEADER } from '@crm/kit/context.js';
import { INTERNAL_TOKEN_HEADER, signInternalToken } from '@crm/kit/access/internal-token.js';
import { DomainError } from '@crm/kit/errors.js';
import type { GatewayContext } from '../app.js';
import type { SearchHit, SearchHitKind } from './search.schema.js';
import { DEADLINE_HEADER } from '@crm/kit/deadline.js';
import type { Logger } from '@crm/kit/logger.js';

export interface DomainSearch {
  search(query: string, first: number, context: GatewayContext): Promise<SearchHit[]>;
}

interface Source {
  subgraph: SubgraphName;
  kind: `${SearchHitKind}`;
  document: string;
  toHits(data: Record<string, unknown>): Array<{ id: string; title: string; score: number }>;
}

type Hits<K extends string, T> = Record<K, Array<{ score: number } & T>>;

const SOURCES: Source[] = [
  {
    subgraph: 'identity',
    kind: 'CUSTOMER',
    document: 'query($q: String!, $n: Int!) { hits: searchCustomers(query: $q, first: $n) { score customer { id displayName } } }',
    toHits: (data) =>
      (data as Hits<'hits', { customer: { id: string; displayName: string } }>).hits.map((h) => ({
        id: h.customer.id,
        title: h.customer.displayName,
        score: h.score,
      })),
  },
  {
    subgraph: 'sales',
    kind: 'PRODUCT',
    document: 'query($q: String!, $n: Int!) { hits: searchProducts(query: $q, first: $n) { score product { id name } } }',
    toHits: (data) =>
      (data as Hits<'hits', { product: { id: string; name: string } }>).hits.map((h) => ({ id: h.product.id, title: h.product.name, score: h.score })),
  },
  {
    subgraph: 'service',
    kind: 'KNOWLEDGE_ARTICLE',
    document: 'query($q: String!, $n: Int!) { hits: searchArticles(query: $q, first: $n) { score article { id title } } }',
    toHits: (data) =>
      (data as Hits<'hits', { article: { id: string; title: string } }>).hits.map((h) => ({ id: h.article.id, title: h.article.title, score: h.score })),
  },
];

const SEARCH_TIMEOUT_MS = 3000;

/** ECONNREFUSED, TimeoutError…: what the log needs, never a message with a URL or a body. */
const whyUnreachable = (error: unknown) => {
  const failed = error as { name?: unknown; cause?: { code?: unknown } } | null;
  return String(failed?.cause?.code ?? failed?.name ?? 'unreachable');
};

const referenceField = { CUSTOMER: 'customer', PRODUCT: 'product', KNOWLEDGE_ARTICLE: 'article' } as const;

/** Each domain's ranked search, asked over HTTP with the caller's request id and identity. */
export function searchDomains(urls: Partial<Record<SubgraphName, string>>, log: Logger): DomainSearch[] {
  return SOURCES.map((source) => ({
    async search(query, first, context) {
      const url = urls[source.subgraph];
      if (!url) return [];
      let failure = '';
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          [REQUEST_ID_HEADER]: context.requestId,
          [DEADLINE_HEADER]: String(Math.min(context.deadline ?? Infinity, Date.now() + SEARCH_TIMEOUT_MS)),
          [INTERNAL_TOKEN_HEADER]: `Bearer ${await signInternalToken(context.viewer, source.subgraph)}`,
        },
        body: JSON.stringify({ query: source.document, variables: { q: query, n: first } }),
        signal: AbortSignal.timeout(SEARCH_TIMEOUT_MS),
      }).catch((error: unknown) => void (failure = whyUnreachable(error)));
      const body = (await response?.json().catch(() => void (failure = `HTTP ${response.status} without JSON`))) as
        { data?: Record<string, unknown>; errors?: Array<{ message: string; extensions?: { code?: string } }> } | undefined;
      if (!body?.data) {
        const error = body?.errors?.[0];
        if (error?.extensions?.code === 'BAD_USER_INPUT') throw new DomainError('BAD_USER_INPUT', error.message);
        // A domain that cannot answer leaves its hits out; the search box still works for the others.
        log.warn(
          { subgraph: source.subgraph, requestId: context.requestId, failure: failure || String(error?.extensions?.code ?? 'no data') },
          'search: a domain did not answer; its hits are left out',
        );
        return [];
      }
      return source.toHits(body.data).map((hit) => ({
        kind: source.kind as SearchHitKind,
        title: hit.title,
        score: hit.score,
        [referenceField[source.kind]]: { id: hit.id },
      }));
    },
  }));
}
