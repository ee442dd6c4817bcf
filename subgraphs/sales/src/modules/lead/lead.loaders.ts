import DataLoader from 'dataloader';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Viewer } from '../../../../kit/access/viewer.js';
import { ownsRow } from '../../../../kit/access/viewer.js';
import { byKeys, loaderPerArgs } from '../../../../kit/loaders.js';
import { countByParent, fetchKeysetPages, type Page, type PageArgs } from '../../../../kit/pagination.js';
import { Lead } from './lead.entity.js';
import type { LeadFilter } from './lead.inputs.js';
import { leadFilterSql } from './lead.service.js';

export function createLeadLoaders(em: EntityManager, viewer: Viewer) {
  return {
    leadById: new DataLoader<string, Lead | null>(async (ids) =>
      byKeys(
        ids,
        (await em.find(Lead, { id: { $in: [...ids] } })).filter((l) => ownsRow(viewer, l.ownerId)),
        (l) => l.id,
      ),
    ),
    leadPagesByCustomer: loaderPerArgs<{ page: PageArgs; filter?: LeadFilter | null }, string, Page<Lead>>(async ({ page, filter }, customerIds) => {
      const pages = await fetchKeysetPages(
        em,
        {
          entity: Lead,
          table: 'sales_lead',
          orderBy: { column: 'created_at', property: 'createdAt', descending: true },
          parent: { column: 'customer_id', ids: customerIds },
          where: leadFilterSql(filter, viewer),
        },
        page,
      );
      return customerIds.map((id) => pages.get(id)!);
    }),
    leadCountByCustomer: loaderPerArgs<LeadFilter | null | undefined, string, number>((filter, customerIds) =>
      countByParent(em, { table: 'sales_lead', parentColumn: 'customer_id', ids: customerIds, where: leadFilterSql(filter, viewer) }),
    ),
  };
}
