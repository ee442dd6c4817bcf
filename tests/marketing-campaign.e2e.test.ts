import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CampaignsDocument,
  ChangeCampaignStatusDocument,
  CreateCampaignDocument,
  CreateCustomerDocument,
  CreateSegmentDocument,
  RecordInteractionsDocument,
} from './generated/graphql.js';
import { errorCodes, execute, executeOk } from './helpers/graphql.js';
import { startPlatform, type Platform } from './helpers/platform.js';

// Campaigns through the gateway: the campaign as clients read it (its segment, its metrics from the timeline), its
// status moves and refusals, and the list. The lifecycle and the metrics are tested on marketing's own database
// (subgraphs/marketing/test/campaign.int.test.ts).

let platform: Platform;
beforeAll(async () => {
  platform = await startPlatform();
});
afterAll(() => platform.stop());

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
const gql = <R, V>(document: Parameters<typeof executeOk<R, V>>[1], variables: V) => executeOk(platform.gatewayUrl, document, variables);
const attempt = <R, V>(document: Parameters<typeof execute<R, V>>[1], variables: V) => execute(platform.gatewayUrl, document, variables);

describe('campaigns through the gateway', () => {
  it('answers a campaign with its segment and the engagement recorded for it, through its lifecycle', async () => {
    const { createSegment: segment } = await gql(CreateSegmentDocument, { input: { name: 'Campaign audience', kind: 'STATIC' } });
    const { createCampaign } = await gql(CreateCampaignDocument, {
      input: {
        name: 'Autumn SUV offer',
        segmentId: segment.id,
        channel: 'EMAIL',
        startsAt: inDays(1),
        content: [{ language: 'cs', subject: 'SUV', text: 'Dobrý den' }],
      },
    });
    expect(createCampaign).toMatchObject({ status: 'DRAFT', segment: { id: segment.id, name: 'Campaign audience' }, metrics: { sent: 0 } });

    const { createCustomer } = await gql(CreateCustomerDocument, {
      input: { kind: 'PERSON', firstName: 'Reader', lastName: 'Campaign', emails: [], phones: [] },
    });
    const campaignId = createCampaign.id;
    await gql(RecordInteractionsDocument, {
      input: (['MESSAGE_SENT', 'MESSAGE_DELIVERED', 'MESSAGE_OPENED', 'MESSAGE_CLICKED'] as const).map((type) => ({
        customerId: createCustomer.id,
        channel: 'EMAIL' as const,
        type,
        campaignId,
      })),
    });
    let campaign = createCampaign;
    for (const status of ['SCHEDULED', 'RUNNING', 'COMPLETED'] as const) {
      campaign = (await gql(ChangeCampaignStatusDocument, { id: campaign.id, version: campaign.version, input: { status } })).changeCampaignStatus;
      expect(campaign.status).toBe(status);
    }
    expect(campaign.metrics).toEqual({ sent: 1, delivered: 1, opened: 1, clicked: 1, converted: 0 });

    const reopen = await attempt(ChangeCampaignStatusDocument, { id: campaign.id, version: campaign.version, input: { status: 'RUNNING' } });
    expect(errorCodes(reopen)).toEqual(['CONFLICT']);
    const stale = await attempt(ChangeCampaignStatusDocument, { id: campaign.id, version: createCampaign.version, input: { status: 'CANCELLED' } });
    expect(errorCodes(stale)).toEqual(['CONFLICT']);
    const unknownSegment = await attempt(CreateCampaignDocument, { input: { name: 'Nobody', segmentId: UNKNOWN_ID, channel: 'EMAIL', startsAt: inDays(1) } });
    expect(errorCodes(unknownSegment)).toEqual(['NOT_FOUND']);

    const page1 = await gql(CampaignsDocument, { first: 1, filter: { segmentId: segment.id, statuses: ['COMPLETED'] }, orderBy: 'STARTS_AT' });
    expect(page1.campaigns).toMatchObject({
      totalCount: 1,
      pageInfo: { hasNextPage: false },
      edges: [{ node: { id: campaign.id, name: 'Autumn SUV offer' } }],
    });
  });
});
