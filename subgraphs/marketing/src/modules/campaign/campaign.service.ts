import type { EntityManager } from '@mikro-orm/postgresql';
import { archived, conflict, notFound } from '@crm/kit/errors.js';
import type { EventsAbout } from '@crm/kit/event-catalog.js';
import { recordEvent } from '@crm/kit/events.js';
import { parseId } from '@crm/kit/ids.js';
import { assertVersion } from '@crm/kit/versioning.js';
import { getSegment } from '../segment/segment.service.js';
import { Campaign, CampaignStatus as S } from './campaign.entity.js';
import type { ChangeCampaignStatusInput, CreateCampaignInput } from './campaign.inputs.js';

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
export async function changeCampaignStatus(em: EntityManager, id: string, version: number, input: ChangeCampaignStatusInput): Promise<Campaign> {
  const campaign = await getCampaign(em, id);
  assertVersion(campaign, version, 'Campaign');
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
