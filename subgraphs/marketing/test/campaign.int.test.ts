import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { outboxTypes, refusal } from '../../../tests/helpers/integration.js';
import { UNKNOWN_ID } from '../../../tests/helpers/subgraph-database.js';
import { CampaignStatus as S, type Campaign } from '../src/modules/campaign/campaign.entity.js';
import { CampaignOrder } from '../src/modules/campaign/campaign.inputs.js';
import { campaignMetrics, campaignsPage } from '../src/modules/campaign/campaign.queries.js';
import { changeCampaignStatus, createCampaign } from '../src/modules/campaign/campaign.service.js';
import { InteractionChannel as C, InteractionType as T } from '../src/modules/interaction/interaction.entity.js';
import type { RecordInteractionInput } from '../src/modules/interaction/interaction.inputs.js';
import { recordInteractions } from '../src/modules/interaction/interaction.service.js';
import { SegmentKind } from '../src/modules/segment/segment.entity.js';
import { createSegment } from '../src/modules/segment/segment.service.js';
import { useFreshMarketingDatabase } from './database.js';

// Campaigns on marketing's own database: their lifecycle, engagement counted from the timeline, and the list. Through
// the gateway: tests/marketing-campaign.e2e.test.ts.

const { orm, em, write } = useFreshMarketingDatabase();

const inDays = (days: number) => new Date(Date.now() + days * 86_400_000);
const audience = (name: string) => write((em) => createSegment(em, { name, kind: SegmentKind.STATIC }));
const move = (campaign: Campaign, status: S, version = campaign.version) => write((em) => changeCampaignStatus(em, campaign.id, version, { status }));

describe('campaigns', () => {
  it('moves DRAFT → SCHEDULED → RUNNING → COMPLETED with events and counts engagement from the timeline', async () => {
    const segment = await audience('Campaign audience');
    const created = await write((em) =>
      createCampaign(em, {
        name: 'Autumn SUV offer',
        segmentId: segment.id,
        channel: C.EMAIL,
        startsAt: inDays(1),
        content: [{ language: 'cs', subject: 'SUV', text: 'Dobrý den' }],
      }),
    );
    expect(created).toMatchObject({ status: 'DRAFT', segmentId: segment.id });
    expect(await campaignMetrics(em(), [created.id])).toEqual([
      { campaignId: created.id, sent: 0, delivered: 0, opened: 0, clicked: 0, converted: 0, unsubscribed: 0 },
    ]);

    const [a, b] = [randomUUID(), randomUUID()];
    const email = (customerId: string, type: T, extra: Partial<RecordInteractionInput> = {}): RecordInteractionInput => ({
      customerId,
      channel: C.EMAIL,
      type,
      sourceSystem: 'email-provider',
      ...extra,
    });
    const campaignId = created.id;
    await recordInteractions(em(), [
      email(a, T.MESSAGE_SENT, { campaignId }),
      email(b, T.MESSAGE_SENT, { campaignId }),
      email(a, T.MESSAGE_DELIVERED, { campaignId }),
      email(b, T.MESSAGE_DELIVERED, { campaignId }),
      email(a, T.MESSAGE_OPENED, { campaignId }),
      email(a, T.MESSAGE_OPENED, { campaignId }),
      email(b, T.MESSAGE_OPENED, { properties: { campaignId } }),
      email(b, T.MESSAGE_CLICKED, { campaignId }),
      email(b, T.CONVERSION, { channel: C.WEB, campaignId }),
      email(b, T.MESSAGE_OPENED),
    ]);

    let campaign = created;
    for (const status of [S.SCHEDULED, S.RUNNING, S.COMPLETED]) {
      campaign = await move(campaign, status);
      expect(campaign.status).toBe(status);
    }
    expect(await campaignMetrics(em(), [campaign.id])).toEqual([{ campaignId, sent: 2, delivered: 2, opened: 2, clicked: 1, converted: 1, unsubscribed: 0 }]);
    expect(await outboxTypes(orm(), campaign.id)).toEqual(['CampaignCreated', 'CampaignScheduled', 'CampaignStarted', 'CampaignCompleted']);

    expect((await refusal(move(campaign, S.RUNNING))).code).toBe('CONFLICT');

    // Nothing to say, or a text Handlebars cannot read: it cannot start, or is refused at once.
    const silent = await write((em) => createCampaign(em, { name: 'Silent', segmentId: segment.id, channel: C.EMAIL, startsAt: inDays(1) }));
    expect(await refusal(move(silent, S.SCHEDULED))).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('has no content') });
    const broken = await refusal(
      write((em) =>
        createCampaign(em, {
          name: 'Broken',
          segmentId: segment.id,
          channel: C.EMAIL,
          startsAt: inDays(1),
          content: [{ language: 'cs', subject: 'Hi', text: 'Dobrý den {{#if firstName}' }],
        }),
      ),
    );
    expect(broken).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { field: 'content.0.text' } });
    expect((await refusal(move(campaign, S.CANCELLED, created.version))).code).toBe('CONFLICT');
    const unknownSegment = await refusal(write((em) => createCampaign(em, { name: 'Nobody', segmentId: UNKNOWN_ID, channel: C.EMAIL, startsAt: inDays(1) })));
    expect(unknownSegment.code).toBe('NOT_FOUND');
  });

  it('lists campaigns by status with keyset pages', async () => {
    const segment = await audience('List audience');
    const made = [];
    for (const day of [3, 1, 2]) {
      made.push(await write((em) => createCampaign(em, { name: `Wave ${day}`, segmentId: segment.id, channel: C.SMS, startsAt: inDays(day) })));
    }
    await move(made[0]!, S.CANCELLED);
    const drafts = { segmentId: segment.id, statuses: [S.DRAFT] };
    const page1 = await campaignsPage(em(), drafts, CampaignOrder.STARTS_AT, { first: 1 });
    expect(await page1.count()).toBe(2);
    expect(page1.edges.map((e) => e.node.name)).toEqual(['Wave 1']);
    const page2 = await campaignsPage(em(), drafts, CampaignOrder.STARTS_AT, { first: 1, after: page1.pageInfo.endCursor });
    expect(page2.edges.map((e) => e.node.name)).toEqual(['Wave 2']);
    expect(page2.pageInfo.hasNextPage).toBe(false);
    const cancelled = await campaignsPage(em(), { segmentId: segment.id, statuses: [S.CANCELLED] }, CampaignOrder.NEWEST_FIRST, { first: 5 });
    expect(cancelled.edges.map((e) => e.node.name)).toEqual(['Wave 3']);
  });
});
