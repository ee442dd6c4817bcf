import type { EntityManager } from '@mikro-orm/postgresql';
import { notFound, conflict } from '@crm/kit/errors.js';
import { recordEvent } from '@crm/kit/events.js';
import { parseId } from '@crm/kit/ids.js';
import { assertVersion } from '@crm/kit/versioning.js';
import { KnowledgeArticle, KnowledgeArticleStatus } from './knowledge-article.entity.js';
import type { CreateKnowledgeArticleInput } from './knowledge-article.inputs.js';

export async function getKnowledgeArticle(em: EntityManager, id: string): Promise<KnowledgeArticle> {
  const found = await em.findOne(KnowledgeArticle, { id: parseId(id, 'KnowledgeArticle') });
  if (!found) throw notFound('KnowledgeArticle', id);
  return found;
}

export async function createKnowledgeArticle(em: EntityManager, input: CreateKnowledgeArticleInput): Promise<KnowledgeArticle> {
  const tags = [...new Set(input.tags.map((t) => t.trim().toLowerCase()))];
  const article = em.create(KnowledgeArticle, {
    title: input.title.trim(),
    body: input.body.trim(),
    tags,
    tagsText: tags.join(' '),
    status: input.status,
  });
  recordEvent(em, {
    type: 'KnowledgeArticleCreated',
    aggregateId: article.id,
    payload: { articleId: article.id, title: article.title, status: article.status },
  });
  await em.flush();
  return article;
}

export async function publishKnowledgeArticle(em: EntityManager, id: string, version: number): Promise<KnowledgeArticle> {
  const article = await getKnowledgeArticle(em, id);
  assertVersion(article, version, 'KnowledgeArticle');
  if (article.status === KnowledgeArticleStatus.PUBLISHED) throw conflict(`Article ${article.id} is already published`, 'id');
  article.status = KnowledgeArticleStatus.PUBLISHED;
  recordEvent(em, {
    type: 'KnowledgeArticlePublished',
    aggregateId: article.id,
    payload: { articleId: article.id, title: article.title },
  });
  await em.flush();
  return article;
}
