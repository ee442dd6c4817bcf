import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { byKeys, loaderPerArgs } from '@crm/kit/loaders.js';
import { KnowledgeArticle, type KnowledgeArticleHit } from './knowledge-article.entity.js';
import { suggestArticlesForCases } from './knowledge-article.queries.js';

export function createKnowledgeArticleLoaders(em: EntityManager) {
  return {
    articleById: new DataLoader<string, KnowledgeArticle | null>(async (ids) =>
      byKeys(ids, await em.find(KnowledgeArticle, { id: { $in: [...ids] } }), (a) => a.id),
    ),
    suggestedArticlesByCase: loaderPerArgs<number, string, KnowledgeArticleHit[]>((first, caseIds) => suggestArticlesForCases(em, caseIds, first)),
  };
}
