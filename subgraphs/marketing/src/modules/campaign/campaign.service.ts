import type { EntityManager } from '@mikro-orm/postgresql';
import { archived, conflict, notFound } from '../../../../kit/errors.js';
import type { EventsAbout } from '../../../../kit/event-catalog.js';
import { recordEvent } from '../../../../kit/events.js';
import { parseId } from '../../../../kit/ids.js';
import { pgArray, type KeysetQuery } from '../../../../kit/pagination.js';
import { assertVersion } from '../../../../kit/versioning.js';
import { getSegment } from '../segment/segment.service.js';
import { Campaign, CampaignStatus as S, type CampaignMetrics } from './campaign.entity.js';
import { CampaignOrder, type CampaignFilter, type ChangeCampaignStatusInput, type CreateCampaignInput } from './campaign.inputs.js';

const NEXT: Record<S, readonly S[]> = {
  [S.DRAFT]: [S.SCHEDULED, S.CANCELLED],
  [S.SCHEDULED]: [S.RUNNING, S.CANCELLED],
  [S.RUNNING]: [S.COMPLETED, S.CANCELLED],
  [S.COMPLETED]: [],
  [S.CANCELLED]: [],
};
const EVENT = {
  [S.SCHEDULED]: 'CampaignScheduled',
  [S.RUNNING]: 'CampaignStarted',
  [S.COMPLETED]: 'CampaignCompleted',
  [S.CANCELLED]: 'CampaignCancelled',
} as const satisfies Record<Exclude<S, S.DRAFT>, EventsAbout<'Campaign'>>;

export async function getCampaign(em: EntityManager, id: string): Promise<Campaign> {
  const found = await em.findOne(Campaign, { id: parseId(id, 'Campaign') });
  if (!found) throw notFound('Campaign', id);
  return found;
}

export async function createCampaign(em: EntityManager, input: CreateCampaignInput): Promise<Campaign> {
  const segment = await getSegment(em, input.segmentId, 'segmentId');
  if (segment.archivedAt) throw archived('Segment', segment.id, 'segmentId');
  const campaign = em.create(Campaign, { name: input.name.trim(), segmentId: segment.id, channel: input.channel, startsAt: input.startsAt, status: S.DRAFT });
  recordEvent(em, {
    type: 'CampaignCreated',
    aggregateId: campaign.id,
    payload: { campaignId: campaign.id, segmentId: segment.id, channel: campaign.channel, startsAt: campaign.startsAt.toISOString() },
  });
  await em.flush();
  return campaign;
}

/** DRAFT → SCHEDULED → RUNNING → COMPLETED, or CANCELLED from any open state. */
export async function changeCampaignStatus(em: EntityManager, input: ChangeCampaignStatusInput): Promise<Campaign> {
  const campaign = await getCampaign(em, input.id);
  assertVersion(campaign, input.version, 'Campaign');
  const to = input.status;
  if (to === S.DRAFT || !NEXT[campaign.status].includes(to)) {
    throw conflict(`Campaign ${campaign.id} is ${campaign.status} and cannot become ${to}`);
  }
  const from = campaign.status;
  campaign.status = to;
  recordEvent(em, {
    type: EVENT[to],
    aggregateId: campaign.id,
    payload: { campaignId: campaign.id, from, to, changedFields: ['status'] },
  });
  await em.flush();
  return campaign;
}

export function campaignListQuery(filter: CampaignFilter | null | undefined, order: CampaignOrder): Omit<KeysetQuery<Campaign>, 'parent'> {
  const parts: string[] = [];
  const params: unknown[] = [];
  if (filter?.statuses?.length) {
    parts.push('status = any(?::campaign_status[])');
    params.push(pgArray(filter.statuses));
  }
  if (filter?.segmentId) {
    parts.push('segment_id = ?');
    params.push(parseId(filter.segmentId, 'Segment', 'segmentId'));
  }
  return {
    entity: Campaign,
    table: 'campaign',
    orderBy:
      order === CampaignOrder.STARTS_AT
        ? { column: 'starts_at', property: 'startsAt', descending: false }
        : { column: 'created_at', property: 'createdAt', descending: true },
    where: parts.length ? { sql: parts.join(' and '), params } : undefined,
  };
}

/** Engagement of many campaigns in one statement over the interactions carrying their ids. */
export async function campaignMetrics(em: EntityManager, campaignIds: readonly string[]): Promise<CampaignMetrics[]> {
  const person = 'coalesce(customer_id::text, anonymous_id)';
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
  return campaignIds.map((campaignId) => {
    const r = byId.get(campaignId);
    const n = (key: string) => Number(r?.[key] ?? 0);
    return { campaignId, sent: n('sent'), delivered: n('delivered'), opened: n('opened'), clicked: n('clicked'), converted: n('converted') };
  });
}
