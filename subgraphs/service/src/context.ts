import type { EntityManager } from '@mikro-orm/postgresql';
import type { RequestContext } from '../../kit/context.js';
import { createCaseLoaders } from './modules/case/case.loaders.js';

export function createServiceLoaders(em: EntityManager) {
  return { ...createCaseLoaders(em) };
}

export type ServiceContext = RequestContext<ReturnType<typeof createServiceLoaders>>;
