import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'graphql';
import type { Client } from 'graphql-ws';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import {
  AdvanceSequenceEnrolmentDocument,
  ChangeCampaignStatusDocument,
  CreateCampaignDocument,
  CreateCustomerDocument,
  CreateSegmentDocument,
  CreateSequenceDocument,
  EnrolInSequenceDocument,
  ExitSequenceDocument,
  RecordServiceVisitDocument,
  RegisterAssetDocument,
  UpdateAssetDocument,
} from './generated/graphql.js';
import { executeOk } from './helpers/graphql.js';
import { startPlatform, type Platform } from './helpers/platform.js';
import { connect, subscribe, type Subscriber } from './helpers/subscriptions.js';

// The partners' change feed of issue 13 (point 4), through the gateway with the stock graphql-ws client: assets,
// campaigns and sequence enrolments are followed live, resumed with after: from the last cursor received with
// nothing missed, and refused to a role that may not read them.

let platform: Platform;
let url: string;
beforeAll(async () => {
  platform = await startPlatform();
  url = platform.gatewayUrl;
});
afterAll(() => platform.stop());

const doc = <R, V extends Record<string, unknown> = Record<string, unknown>>(source: string) => parse(source) as TypedDocumentNode<R, V>;
const unique = () => randomUUID().slice(0, 8);
const head = async () => (await platform.bus.head())!;
const clients: Client[] = [];
const client = (authorization: string) => {
  const created = connect(platform.wsUrl, authorization);
  clients.push(created);
  return created;
};
afterAll(() => Promise.all(clients.map((c) => c.dispose())));

/** The codes a subscription was refused with (graphql-ws sends the refusal as its only result). */
async function refusal(subscriber: Subscriber<unknown>): Promise<unknown[]> {
  const outcome = await Promise.race([subscriber.waitFor(1).then(([result]) => result!.errors), subscriber.failure]);
  return (outcome as Array<{ extensions?: { code?: unknown } }>).map((error) => error.extensions?.code);
}

async function newCustomer(firstName: string): Promise<string> {
  const { createCustomer } = await executeOk(url, CreateCustomerDocument, {
    input: { kind: 'PERSON', firstName, lastName: 'Feed', emails: [`${firstName.toLowerCase()}-${unique()}@example.cz`], phones: [] },
  });
  return createCustomer.id;
}

type Variables = { id?: string | null; filter?: Record<string, unknown> | null; after?: string | null };
type Change<F extends string> = Record<F, { event: { type: string; cursor: string }; [payload: string]: unknown }>;

/**
 * Follows `field` from the bus's head until the first change, disconnects, makes more changes while nobody listens,
 * and resumes with after: the first change's cursor: the resumed subscription gets exactly what was missed, in order.
 * It subscribes after the first change (from the head taken before it), so `variables` may name what it created.
 */
async function followAndResume<F extends string>(
  field: F,
  document: TypedDocumentNode<Change<F>, Variables>,
  variables: () => Variables,
  first: () => Promise<unknown>,
  missed: () => Promise<unknown>,
  expectedMissed: string[],
): Promise<{ live: Change<F>[F]; resumed: Array<Change<F>[F]> }> {
  const start = await head();
  await first();
  const live = subscribe(client(platform.admin.authorization), document, { ...variables(), after: start });
  const [firstResult] = await live.waitFor(1);
  await live.close();
  await missed();
  const resumed = subscribe(client(platform.admin.authorization), document, { ...variables(), after: firstResult!.data![field].event.cursor });
  const results = await resumed.waitFor(expectedMissed.length);
  expect(results.map((r) => r.errors)).toEqual(expectedMissed.map(() => undefined));
  expect(results.map((r) => r.data![field].event.type)).toEqual(expectedMissed);
  return { live: firstResult!.data![field], resumed: results.map((r) => r.data![field]) };
}

const ASSETS = doc<Change<'assetChanged'>, Variables>(
  `subscription($id: ID, $filter: AssetChangedFilter, $after: String) { assetChanged(id: $id, filter: $filter, after: $after) {
    event { type cursor } asset { id model mileage insurance { type } customer { id } } newerThanEvent } }`,
);
const CAMPAIGNS = doc<Change<'campaignChanged'>, Variables>(
  `subscription($id: ID, $after: String) { campaignChanged(id: $id, after: $after) {
    event { type cursor aggregateVersion } campaign { id name status segment { id } } } }`,
);
const ENROLMENTS = doc<Change<'enrolmentChanged'>, Variables>(
  `subscription($id: ID, $filter: EnrolmentChangedFilter, $after: String) { enrolmentChanged(id: $id, filter: $filter, after: $after) {
    event { type cursor } change enrolment { id status currentStep exitReason customer { id } sequence { id } } } }`,
);

describe('assetChanged', () => {
  it("tells one customer's asset registered, and after a disconnect its change and service visit, resumed by cursor", async () => {
    const [owner, other] = await Promise.all([newCustomer('Asset'), newCustomer('Other')]);
    const register = (customerId: string, model: string) =>
      executeOk(url, RegisterAssetDocument, {
        input: { customerId, kind: 'VEHICLE', identifier: `TMB${unique()}${unique()}`.toUpperCase(), model, year: 2026, mileage: 10 },
      }).then((r) => r.registerAsset);
    let car!: Awaited<ReturnType<typeof register>>;
    const { live, resumed } = await followAndResume(
      'assetChanged',
      ASSETS,
      // In upper case, as a client may hold an id: a filter's ids match the events' whatever their case.
      () => ({ filter: { customerId: owner.toUpperCase() } }),
      async () => {
        await register(other, 'Fabia'); // another customer's: never told to this filter
        car = await register(owner, 'Kodiaq');
      },
      async () => {
        await executeOk(url, UpdateAssetDocument, {
          id: car.id,
          version: car.version,
          input: { insurance: { provider: 'Kooperativa', policyNumber: `K-${unique()}`, type: 'COMPREHENSIVE', validUntil: '2027-06-01' } },
        });
        await executeOk(url, RecordServiceVisitDocument, {
          input: { assetId: car.id, visitedOn: '2026-11-20', mileage: 15200, workDone: 'First inspection', cost: { amount: '4890', currency: 'CZK' } },
        });
      },
      ['AssetChanged', 'ServiceVisitRecorded'],
    );
    expect(live).toMatchObject({ event: { type: 'AssetRegistered' }, asset: { id: car.id, model: 'Kodiaq', customer: { id: owner } } });
    expect(resumed.at(-1)).toMatchObject({ asset: { id: car.id, mileage: 15200, insurance: { type: 'COMPREHENSIVE' } }, newerThanEvent: false });
  });

  it('is refused to a role that may not read assets', async () => {
    const marketer = await platform.createStaff('MARKETER');
    expect(await refusal(subscribe(client(marketer.authorization), ASSETS, {}) as Subscriber<unknown>)).toEqual(['FORBIDDEN']);
  });
});

describe('campaignChanged', () => {
  it("tells one campaign's creation, and after a disconnect its scheduling and cancellation, resumed by cursor; nothing of another campaign", async () => {
    const { createSegment: segment } = await executeOk(url, CreateSegmentDocument, { input: { name: `Feed ${unique()}`, kind: 'STATIC' } });
    const create = (name: string) =>
      executeOk(url, CreateCampaignDocument, {
        input: {
          name,
          segmentId: segment.id,
          channel: 'EMAIL',
          startsAt: new Date(Date.now() + 7 * 86_400_000).toISOString(),
          content: [{ language: 'cs', subject: 'Zimní pneu', text: 'Dobrý den' }],
        },
      }).then((r) => r.createCampaign);
    const move = (campaign: { id: string; version: number }, status: 'SCHEDULED' | 'CANCELLED') =>
      executeOk(url, ChangeCampaignStatusDocument, { id: campaign.id, version: campaign.version, input: { status } }).then((r) => r.changeCampaignStatus);
    let campaign!: Awaited<ReturnType<typeof create>>;
    let scheduled!: Awaited<ReturnType<typeof move>>;
    const { live, resumed } = await followAndResume(
      'campaignChanged',
      CAMPAIGNS,
      () => ({ id: campaign.id }),
      async () => {
        campaign = await create('Winter tyres');
        await move(await create('Summer tyres'), 'SCHEDULED');
        scheduled = await move(campaign, 'SCHEDULED');
      },
      () => move(scheduled, 'CANCELLED'),
      ['CampaignScheduled', 'CampaignCancelled'],
    );
    expect(live).toMatchObject({ event: { type: 'CampaignCreated' }, campaign: { id: campaign.id, name: 'Winter tyres', segment: { id: segment.id } } });
    expect(resumed.at(-1)!.campaign).toMatchObject({ id: campaign.id, status: 'CANCELLED' });
  });

  it('is refused to a role that may not read marketing', async () => {
    const agent = await platform.createStaff('SERVICE_AGENT');
    expect(await refusal(subscribe(client(agent.authorization), CAMPAIGNS, {}) as Subscriber<unknown>)).toEqual(['FORBIDDEN']);
  });
});

describe('enrolmentChanged', () => {
  it("tells a sequence's enrolment, and after a disconnect its step sent and its exit, resumed by cursor", async () => {
    const { createSequence: sequence } = await executeOk(url, CreateSequenceDocument, {
      input: {
        name: `Feed ${unique()}`,
        // Not due yet: the steps move by hand here, with no scheduled send moving the enrolment meanwhile.
        steps: [
          { channel: 'EMAIL', template: 'welcome-from-your-dealer', delayHours: 24 },
          { channel: 'SMS', template: 'book-a-test-drive', delayHours: 120 },
        ],
      },
    });
    const customerId = await newCustomer('Enrolled');
    let enrolment!: { id: string; version: number };
    const { live, resumed } = await followAndResume(
      'enrolmentChanged',
      ENROLMENTS,
      () => ({ filter: { sequenceId: sequence.id } }),
      async () => (enrolment = (await executeOk(url, EnrolInSequenceDocument, { input: { sequenceId: sequence.id, customerId } })).enrolInSequence),
      async () => {
        const advanced = (await executeOk(url, AdvanceSequenceEnrolmentDocument, { id: enrolment.id, version: enrolment.version })).advanceSequenceEnrolment;
        await executeOk(url, ExitSequenceDocument, { id: enrolment.id, version: advanced.version, input: { reason: 'Bought elsewhere' } });
      },
      ['SequenceStepAdvanced', 'SequenceExited'],
    );
    expect(live).toMatchObject({
      event: { type: 'SequenceEnrolled' },
      change: 'ENROLLED',
      enrolment: { id: enrolment.id, customer: { id: customerId }, sequence: { id: sequence.id } },
    });
    expect(resumed.map((change) => change.change)).toEqual(['STEP_SENT', 'EXITED']);
    expect(resumed.at(-1)!.enrolment).toMatchObject({ status: 'EXITED', exitReason: 'Bought elsewhere', currentStep: 2 });
  });

  it('is refused to a role that may not read marketing', async () => {
    const agent = await platform.createStaff('SERVICE_AGENT');
    expect(await refusal(subscribe(client(agent.authorization), ENROLMENTS, {}) as Subscriber<unknown>)).toEqual(['FORBIDDEN']);
  });
});
