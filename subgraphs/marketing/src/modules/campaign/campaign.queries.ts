import type { EntityManager } from '@mikro-orm/postgresql';
import { parseId } from '@crm/kit/ids.js';
import type { CountedPage, PageArgs } from '@crm/kit/pagination/connection.js';
import { fetchCountedPage, type KeysetOrder } from '@crm/kit/pagination/keyset.js';
import { enumArray, pgArray, type SqlCondition } from '@crm/kit/sql.js';
import { Campaign, type CampaignMetrics } from './campaign.entity.js';
import { CampaignOrder, type CampaignFilter } from './campaign.inputs.js';

/** The filter as SQL over `campaign t`; shared by the page and its count. */
export function campaignFilterSql(filter: CampaignFilter | null | undefined): SqlCondition | undefined {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (filter?.statuses?.length) parts.push(`status = any(${enumArray(filter.statuses, 'campaign_status')})`);
  if (filter?.segmentId) {
    parts.push('segment_id = ?');
    params.push(parseId(filter.segmentId, 'Segment', 'segmentId'));
  }
  return parts.length ? { sql: parts.join(' and '), params } : undefined;
}

const campaignOrder = (order: CampaignOrder): KeysetOrder<Campaign> =>
  order === CampaignOrder.STARTS_AT ? { property: 'startsAt', descending: false } : { property: 'createdAt', descending: true };

/** One page of Query.campaigns and its totalCount. */
export async function campaignsPage(
  em: EntityManager,
  filter: CampaignFilter | null | undefined,
  order: CampaignOrder,
  page: PageArgs,
): Promise<CountedPage<Campaign>> {
  return fetchCountedPage(em, { entity: Campaign, orderBy: campaignOrder(order), where: campaignFilterSql(filter) }, page);
}

/** Engagement of many campaigns in one statement over the interactions carrying their ids. */
export async function campaignMetrics(em: EntityManager, campaignIds: readonly string[]): Promise<CampaignMetrics[]> {
  const person = `coalesce(customer_id::text, anonymous_id, 'phone:' || phone, 'email:' || email)`;
  const rows = await em.execute<Array<Record<string, string>>>(
    `select campaign_id,
       count(*) filter (where type = 'MESSAGE_SENT') as sent,
       count(*) filter (where type = 'MESSAGE_DELIVERED') as delivered,
       count(distinct ${person}) filter (where type = 'MESSAGE_OPENED') as opened,
       count(distinct ${person}) filter (where type = 'MESSAGE_CLICKED') as clicked,
       count(distinct ${person}) filter (where type = 'CONVERSION') as converted
     from interaction where campaign_id = any(?::uuid[]) group by campaign_id`,
    [pgArray(campaignIds)],
  );
  const byId = new Map(rows.map((r) => [r.campaign_id, r]));
  // Unsubscribes are marked on the campaign's messages (their link), not on the timeline.
  const unsubscribes = await em.execute<Array<{ campaign_id: string; n: string }>>(
    `select campaign_id, count(*) as n from message_send where campaign_id = any(?::uuid[]) and unsubscribed_at is not null group by campaign_id`,
    [pgArray(campaignIds)],
  );
  const unsubscribedBy = new Map(unsubscribes.map((r) => [r.campaign_id, Number(r.n)]));
  return campaignIds.map((campaignId) => {
    const r = byId.get(campaignId);
    const n = (key: string) => Number(r?.[key] ?? 0);
    return {
      campaignId,
      sent: n('sent'),
      delivered: n('delivered'),
      opened: n('opened'),
      clicked: n('clicked'),
      converted: n('converted'),
      unsubscribed: unsubscribedBy.get(campaignId) ?? 0,
    };
  });
}
