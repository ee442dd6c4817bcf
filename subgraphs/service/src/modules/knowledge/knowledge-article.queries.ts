import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput } from '@crm/kit/errors.js';
import { pgArray } from '@crm/kit/sql.js';
import { KnowledgeArticle, SEARCH_CONFIG, type KnowledgeArticleHit } from './knowledge-article.entity.js';

export const MAX_HITS = 50;

const ARTICLE_COLUMNS = 'a.id, a.created_at, a.updated_at, a.version, a.title, a.body, a.tags, a.status';

function checkFirst(first: number): void {
  if (!Number.isInteger(first) || first < 1 || first > MAX_HITS) throw badInput(`first must be between 1 and ${MAX_HITS}`, 'first');
}

function toHit(em: EntityManager, row: Record<string, unknown>): KnowledgeArticleHit {
  const { score, case_id: _caseId, ...columns } = row;
  return { article: em.map(KnowledgeArticle, columns as never), score: Number(score) };
}

/** Published articles ranked by ts_rank against a web-search style query ("air conditioning" -warranty). */
export async function searchArticles(em: EntityManager, query: string, first: number): Promise<KnowledgeArticleHit[]> {
  if (!query.trim()) throw badInput('query must not be empty', 'query');
  checkFirst(first);
  // em.execute: on the caller's transaction (withinDeadline's), not another pooled connection.
  const rows = await em.execute<Array<Record<string, unknown>>>(
    `select ${ARTICLE_COLUMNS}, ts_rank(a.search_vector, q) as score
     from knowledge_article a, websearch_to_tsquery('${SEARCH_CONFIG}', ?) q
     where a.status = 'PUBLISHED' and a.search_vector @@ q
     order by score desc, a.id limit ?`,
    [query.trim(), first],
  );
  return rows.map((row) => toHit(em, row));
}

/**
 * Articles for many cases in one statement: each case's subject and description become an OR query
 * (any shared word counts; ts_rank favours articles sharing more and rarer words).
 */
export async function suggestArticlesForCases(em: EntityManager, caseIds: readonly string[], first: number): Promise<KnowledgeArticleHit[][]> {
  checkFirst(first);
  const rows = await em.getConnection().execute<Array<Record<string, unknown>>>(
    `select c.case_id, h.* from (
       select id as case_id,
         nullif(replace(plainto_tsquery('${SEARCH_CONFIG}', subject || ' ' || coalesce(description, ''))::text, ' & ', ' | '), '')::tsquery as q
       from support_case where id = any(?::uuid[])
     ) c
     cross join lateral (
       select ${ARTICLE_COLUMNS}, ts_rank(a.search_vector, c.q) as score
       from knowledge_article a
       where a.status = 'PUBLISHED' and a.search_vector @@ c.q
       order by score desc, a.id limit ?
     ) h
     order by c.case_id, h.score desc, h.id`,
    [pgArray(caseIds), first],
  );
  const byCase = new Map<string, KnowledgeArticleHit[]>();
  for (const row of rows) {
    const caseId = String(row.case_id);
    byCase.set(caseId, [...(byCase.get(caseId) ?? []), toHit(em, row)]);
  }
  return caseIds.map((id) => byCase.get(id) ?? []);
}
