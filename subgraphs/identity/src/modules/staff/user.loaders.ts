import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { byKeys } from '../../../../kit/loaders.js';
import { User } from './user.entity.js';

export function createUserLoaders(em: EntityManager) {
  return {
    userById: new DataLoader<string, User | null>(async (ids) =>
      byKeys(ids, await em.find(User, { id: { $in: [...ids] } }), (u) => u.id),
    ),
  };
}

export type UserLoaders = ReturnType<typeof createUserLoaders>;
