import { guardedReference } from '@crm/kit/federation.js';
import type { ServiceContext } from '../../context.js';

/** Articles are referenced from the global search; resolved in batches per request. */
export const knowledgeArticleReference = guardedReference<ServiceContext>('KnowledgeArticle', 'knowledge:read', (id, { loaders }) =>
  loaders.articleById.load(id),
);
