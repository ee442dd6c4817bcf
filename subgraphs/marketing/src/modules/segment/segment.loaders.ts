import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { byKeys } from '../../../../kit/loaders.js';
import { Segment } from './segment.entity.js';
import { segmentsOfCustomers, segmentSizes } from './segment.service.js';

export function createSegmentLoaders(em: EntityManager) {
  return {
    segmentById: new DataLoader<string, Segment | null>(async (ids) =>
      byKeys(ids, await em.find(Segment, { id: { $in: [...ids] } }), (s) => s.id)),
    segmentSize: new DataLoader<Segment, number, string>((segments) => segmentSizes(em, segments), { cacheKeyFn: (s) => s.id }),
    segmentsByCustomer: new DataLoader<string, Segment[]>((customerIds) => segmentsOfCustomers(em, customerIds)),
  };
}
