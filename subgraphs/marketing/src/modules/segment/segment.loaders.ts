import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import { byKeys, loaderPerArgs } from '@crm/kit/loaders.js';
import type { Page, PageArgs } from '@crm/kit/pagination/connection.js';
import { Segment } from './segment.entity.js';
import { segmentMembersPages, segmentsOfCustomers, segmentSizes } from './segment.membership.js';

export function createSegmentLoaders(em: EntityManager) {
  return {
    segmentById: new DataLoader<string, Segment | null>(async (ids) => byKeys(ids, await em.find(Segment, { id: { $in: [...ids] } }), (s) => s.id)),
    segmentSize: new DataLoader<Segment, number, string>((segments) => segmentSizes(em, segments), { cacheKeyFn: (s) => s.id }),
    /** Every customer's active segments in name, id order: one membership statement per request, whatever the page args. */
    segmentsByCustomer: new DataLoader<string, Segment[]>((customerIds) => segmentsOfCustomers(em, customerIds)),
    /** One page of members per segment; the segments asking for the same page shape share one statement. */
    segmentMemberPages: loaderPerArgs<PageArgs, Segment, Page<{ id: string }>>((page, segments) => segmentMembersPages(em, segments, page)),
  };
}
