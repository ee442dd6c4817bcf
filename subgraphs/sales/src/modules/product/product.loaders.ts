import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { byKeys } from '@crm/kit/loaders.js';
import { Product } from './product.entity.js';

export function createProductLoaders(em: EntityManager) {
  return {
    productById: new DataLoader<string, Product | null>(async (ids) => byKeys(ids, await em.find(Product, { id: { $in: [...ids] } }), (p) => p.id)),
  };
}
