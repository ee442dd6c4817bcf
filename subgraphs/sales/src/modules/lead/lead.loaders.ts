import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Viewer } from '@crm/kit/access/viewer.js';
import { ownsRow } from '@crm/kit/access/viewer.js';
import { byKeys, loaderPerArgs } from '@crm/kit/loaders.js';
import { type Page, type PageArgs } from '@crm/kit/pagination/connection.js';
import { Lead } from './lead.entity.js';
import type { LeadFilter } from './lead.inputs.js';
import { leadCountsByCustomer, leadPagesByCustomer } from './lead.queries.js';

export function createLeadLoaders(em: EntityManager, viewer: Viewer) {
  return {
    leadById: new DataLoader<string, Lead | null>(async (ids) =>
      byKeys(
        ids,
        (await em.find(Lead, { id: { $in: [...ids] } })).filter((l) => ownsRow(viewer, l.ownerId)),
        (l) => l.id,
      ),
    ),
    leadPagesByCustomer: loaderPerArgs<{ page: PageArgs; filter?: LeadFilter | null }, string, Page<Lead>>(({ page, filter }, customerIds) =>
      leadPagesByCustomer(em, customerIds, filter, viewer, page),
    ),
    leadCountByCustomer: loaderPerArgs<LeadFilter | null | undefined, string, number>((filter, customerIds) =>
      leadCountsByCustomer(em, customerIds, filter, viewer),
    ),
  };
}
