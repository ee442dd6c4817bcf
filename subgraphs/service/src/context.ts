import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext, Viewer } from '@crm/kit/context.js';
import { createAssetLoaders } from './modules/asset/asset.loaders.js';
import { createWorkingCalendarLoaders } from './modules/calendar/working-calendar.loaders.js';
import { createCaseLoaders } from './modules/case/case.loaders.js';
import { createServiceContractLoaders } from './modules/contract/service-contract.loaders.js';
import { createKnowledgeArticleLoaders } from './modules/knowledge/knowledge-article.loaders.js';
import { createCaseMessageLoaders } from './modules/message/case-message.loaders.js';

export function createServiceLoaders(em: EntityManager, viewer: Viewer) {
  return {
    ...createCaseLoaders(em, viewer),
    ...createCaseMessageLoaders(em),
    ...createServiceContractLoaders(em),
    ...createWorkingCalendarLoaders(em),
    ...createAssetLoaders(em),
    ...createKnowledgeArticleLoaders(em),
  };
}

export type ServiceContext = RequestContext<ReturnType<typeof createServiceLoaders>>;
