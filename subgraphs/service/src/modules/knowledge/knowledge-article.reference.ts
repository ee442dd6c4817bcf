import { isUuid } from '../../../../kit/ids.js';
import type { ServiceContext } from '../../context.js';

/** Articles are referenced from the global search; resolved in batches per request. */
export const knowledgeArticleReference = {
  KnowledgeArticle: {
    __resolveReference: (reference: { id: string }, context: ServiceContext) =>
      isUuid(reference.id) ? context.loaders.articleById.load(reference.id.toLowerCase()) : null,
  },
};
