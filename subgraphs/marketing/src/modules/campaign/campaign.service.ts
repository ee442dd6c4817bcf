import type { EntityManager } from '@mikro-orm/postgresql';
import { archived, badInput, conflict, notFound } from '@crm/kit/errors.js';
import type { EventsAbout } from '@crm/kit/event-catalog.js';
import { recordEvent } from '@crm/kit/events.js';
import { parseId } from '@crm/kit/ids.js';
import { assertVersion } from '@crm/kit/versioning.js';
import { getSegment } from '../segment/segment.service.js';
import { templateError } from '../messaging/templates/render.js';
import { Campaign, CampaignStatus as S, type CampaignContent } from './campaign.entity.js';
import { SENDING_CHANNELS, startSending } from './campaign.sending.js';
import type { ChangeCampaignStatusInput, CreateCampaignInput } from './campaign.inputs.js';
import { findById } from '@crm/kit/rows.js';

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

/** Each language once, and every text a template Handlebars can read. */
function checkContent(content: CampaignContent[]): void {
  const languages = new Set<string>();
  content.forEach((text, index) => {
    if (languages.has(text.language)) throw badInput(`content has ${text.language} twice`, `content.${index}.language`);
    languages.add(text.language);
    for (const field of ['subject', 'text'] as const) {
      const error = templateError(text[field]);
      if (error) throw badInput(`content ${text.language} ${field} is not a valid template: ${error}`, `content.${index}.${field}`);
    }
  });
}

/** A campaign sends on a channel with a provider, and needs something to say. */
function assertCanSend(campaign: Campaign): void {
  if (!SENDING_CHANNELS.includes(campaign.channel))
    throw conflict(`Campaign ${campaign.id} is on ${campaign.channel}: only EMAIL, SMS and PUSH campaigns send`);
  if (campaign.content.length === 0) throw conflict(`Campaign ${campaign.id} has no content: give it a subject and a text before it starts`);
}

export async function getCampaign(em: EntityManager, id: string): Promise<Campaign> {
  const found = await findById(em, Campaign, parseId(id, 'Campaign'));
  if (!found) throw notFound('Campaign', id);
  return found;
}

export async function createCampaign(em: EntityManager, input: CreateCampaignInput): Promise<Campaign> {
  const segment = await getSegment(em, input.segmentId, 'segmentId');
  if (segment.archivedAt) throw archived('Segment', segment.id, 'segmentId');
  const content = (input.content ?? []).map((text) => ({ language: text.language, subject: text.subject.trim(), text: text.text }));
  checkContent(content);
  const campaign = em.create(Campaign, {
    name: input.name.trim(),
    segmentId: segment.id,
    channel: input.channel,
    startsAt: input.startsAt,
    status: S.DRAFT,
    content,
  });
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
  if (to === S.SCHEDULED || to === S.RUNNING) assertCanSend(campaign);
  campaign.status = to;
  if (to === S.RUNNING) await startSending(em, campaign, new Date());
  recordEvent(em, {
    type: EVENT[to],
    aggregateId: campaign.id,
    payload: { campaignId: campaign.id, from, to, changedFields: ['status'] },
  });
  await em.flush();
  return campaign;
}
