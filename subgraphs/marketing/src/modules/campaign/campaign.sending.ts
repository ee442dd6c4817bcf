import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { LockMode } from '@mikro-orm/core';
import type { Clock } from '@crm/kit/clock.js';
import { recordEvent } from '@crm/kit/events.js';
import { enqueueJob, enqueueJobs } from '@crm/kit/jobs.js';
import { pgArray } from '@crm/kit/sql.js';
import { marketingSettings } from '../../settings.js';
import { InteractionChannel } from '../interaction/interaction.enums.js';
import { DELIVER_MESSAGE } from '../messaging/message-send.service.js';
import { memberRows } from '../segment/segment.membership.js';
import { getSegment } from '../segment/segment.service.js';
import { Campaign, CampaignStatus as S, type CampaignProgress } from './campaign.entity.js';

export const SENDING_CHANNELS: readonly InteractionChannel[] = [InteractionChannel.EMAIL, InteractionChannel.SMS, InteractionChannel.PUSH];

/** The task that queues the next batch of a running campaign's audience. */
export const CAMPAIGN_AUDIENCE = 'campaign-audience';
/** Members queued per transaction: a crash loses at most one batch's work, which is then done again. */
export const AUDIENCE_BATCH = 500;

/** The campaign starts: its audience is the segment as it is now, queued in batches by a job. */
export async function startSending(em: EntityManager, campaign: Campaign, now: Date): Promise<void> {
  campaign.startedAt = now;
  await enqueueJob(em, CAMPAIGN_AUDIENCE, { campaignId: campaign.id }, { jobKey: `${CAMPAIGN_AUDIENCE}:${campaign.id}` });
}

/**
 * One batch of the audience: the next members (in id order, after the cursor) who were in the segment when the
 * campaign started get a QUEUED message and its delivery job, in one transaction with the cursor's move. The
 * unique (campaign, customer) index makes a repeated batch harmless: nobody is queued twice.
 */
export async function queueAudienceBatch(orm: MikroORM, campaignId: string): Promise<void> {
  await orm.em.fork().transactional(async (em) => {
    const campaign = await em.findOne(Campaign, { id: campaignId }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!campaign || campaign.status !== S.RUNNING || campaign.audienceQueuedAt || !campaign.startedAt) return;
    const segment = await getSegment(em, campaign.segmentId);
    const members = memberRows(segment, campaign.startedAt);
    const [batch] = await em.execute<Array<{ last: string | null; seen: string; ids: string[] }>>(
      `with members as (
         select distinct customer_id from (${members.sql}) s
         where sort_at <= ? and (?::uuid is null or customer_id > ?::uuid)
         order by customer_id limit ?
       ), queued as (
         insert into message_send (id, customer_id, channel, purpose, template, language, subject, body, status, attempts, campaign_id, created_at)
         select gen_random_uuid(), customer_id, ?, 'MARKETING', 'campaign', 'en', '', '', 'QUEUED', 0, ?, now() from members
         on conflict do nothing
         returning id
       )
       select (select max(customer_id::text) from members) as last, (select count(*) from members) as seen, array(select id::text from queued) as ids`,
      [...members.params, campaign.startedAt, campaign.audienceCursor ?? null, campaign.audienceCursor ?? null, AUDIENCE_BATCH, campaign.channel, campaign.id],
    );
    const ids = batch!.ids;
    await enqueueJobs(
      em,
      DELIVER_MESSAGE,
      ids.map((messageSendId) => ({ messageSendId })),
      { maxAttempts: marketingSettings.read().MESSAGE_MAX_ATTEMPTS },
    );
    const done = Number(batch!.seen) < AUDIENCE_BATCH;
    // Progress, not a change anyone made: written beside the unit of work, so the campaign's version stays and a
    // client holding it is not refused.
    await em.execute('update campaign set audience_cursor = coalesce(?::uuid, audience_cursor), audience_queued_at = ? where id = ?', [
      batch!.last,
      done ? new Date() : null,
      campaign.id,
    ]);
    if (!done) await enqueueJob(em, CAMPAIGN_AUDIENCE, { campaignId: campaign.id, after: batch!.last });
  });
}

/**
 * The campaigns' clock (a cron job every minute): SCHEDULED campaigns whose start has come start sending; RUNNING
 * ones whose whole audience was queued and has an outcome complete.
 */
export async function campaignsTick(orm: MikroORM, clock: Clock): Promise<void> {
  await orm.em.fork().transactional(async (em) => {
    const due = await em.find(Campaign, { status: S.SCHEDULED, startsAt: { $lte: clock.now() } }, { lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE });
    for (const campaign of due) {
      campaign.status = S.RUNNING;
      recordEvent(em, {
        type: 'CampaignStarted',
        aggregateId: campaign.id,
        payload: { campaignId: campaign.id, from: S.SCHEDULED, to: S.RUNNING, changedFields: ['status'] },
      });
      await startSending(em, campaign, clock.now());
    }
    const finished = await em.execute<Array<{ id: string }>>(
      `select c.id from campaign c where c.status = 'RUNNING' and c.audience_queued_at is not null
         and not exists (select 1 from message_send m where m.campaign_id = c.id and m.status in ('QUEUED', 'SENDING'))
       for update of c skip locked`,
    );
    for (const { id } of finished) {
      const campaign = await em.findOneOrFail(Campaign, { id });
      campaign.status = S.COMPLETED;
      recordEvent(em, {
        type: 'CampaignCompleted',
        aggregateId: campaign.id,
        payload: { campaignId: campaign.id, from: S.RUNNING, to: S.COMPLETED, changedFields: ['status'] },
      });
    }
    await em.flush();
  });
}

/** Where the messages of many campaigns are, in one statement over the (campaign_id, status) index. */
export async function campaignProgress(em: EntityManager, campaignIds: readonly string[]): Promise<CampaignProgress[]> {
  const rows = await em.execute<Array<{ campaign_id: string; status: string; n: string }>>(
    'select campaign_id, status, count(*) as n from message_send where campaign_id = any(?::uuid[]) group by campaign_id, status',
    [pgArray(campaignIds)],
  );
  return campaignIds.map((campaignId) => {
    const count = (status: string) => Number(rows.find((r) => r.campaign_id === campaignId && r.status === status)?.n ?? 0);
    const progress = {
      campaignId,
      queued: count('QUEUED'),
      sending: count('SENDING'),
      sent: count('SENT'),
      delivered: count('DELIVERED'),
      bounced: count('BOUNCED'),
      suppressed: count('SUPPRESSED'),
      failed: count('FAILED'),
    };
    return {
      ...progress,
      audience: progress.queued + progress.sending + progress.sent + progress.delivered + progress.bounced + progress.suppressed + progress.failed,
    };
  });
}
