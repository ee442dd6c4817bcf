import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse, type ExecutionResult } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { signLinkToken } from '@crm/kit/access/link-token.js';
import { flagDueActivities } from '../subgraphs/sales/src/modules/activity/activity.due.js';
import {
  AcceptQuoteDocument,
  AddQuoteLineDocument,
  CompleteActivityDocument,
  CreateActivityDocument,
  CreateCustomerDocument,
  CreateLeadDocument,
  CreateLeadRoutingRuleDocument,
  CreateOpportunityDocument,
  CreatePipelineDocument,
  CreateProductDocument,
  CreateQuoteDocument,
  MarkQuoteViewedDocument,
  SendQuoteDocument,
  UpdateLeadStatusDocument,
} from './generated/graphql.js';
import { executeOk } from './helpers/graphql.js';
import { eventually } from './helpers/eventually.js';
import { startPlatform, type Platform, type StaffMember } from './helpers/platform.js';
import { connect, subscribe, type Subscriber } from './helpers/subscriptions.js';

// The live notifications of issue 12 point 5, through the gateway with the stock graphql-ws client: a rep's agenda
// (activityChanged), leads (leadChanged, and a web form's client following its own lead with submitWebForm's
// followToken) and quotes (quoteChanged), each seen only by whom it concerns.

let platform: Platform;
let url: string;
beforeAll(async () => {
  platform = await startPlatform();
  url = platform.gatewayUrl;
});
afterAll(() => platform.stop());

const doc = <R, V extends Record<string, unknown> = Record<string, unknown>>(source: string) => parse(source) as TypedDocumentNode<R, V>;
const unique = () => randomUUID().slice(0, 8);
const HOUR = 3_600_000;
const CZK = (amount: string) => ({ amount, currency: 'CZK' });
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
    input: { kind: 'PERSON', firstName, lastName: 'Live', emails: [`${firstName.toLowerCase()}-${unique()}@example.cz`], phones: [] },
  });
  return createCustomer.id;
}

interface AgendaChange {
  activityChanged: {
    event: { type: string; cursor: string };
    change: string;
    activity: { id: string; subject: string; owner: { id: string } | null } | null;
  };
}
const AGENDA = doc<AgendaChange, { filter?: Record<string, unknown>; after?: string | null }>(
  `subscription($filter: ActivityChangedFilter, $after: String) { activityChanged(filter: $filter, after: $after) {
    event { type cursor } change activity { id subject owner { id } } } }`,
);
const agendaOf = (subscriber: Subscriber<AgendaChange>) =>
  subscriber.results.map((r) => [r.data?.activityChanged.change, r.data?.activityChanged.activity?.subject]);

describe("activityChanged: a rep's agenda", () => {
  let rep: StaffMember;
  let other: StaffMember;
  let customerId: string;
  const task = (owner: StaffMember, subject: string, dueInHours: number) =>
    executeOk(url, CreateActivityDocument, {
      input: {
        type: 'TASK',
        subject,
        customerId,
        ownerId: owner.id,
        dueAt: new Date(Date.now() + dueInHours * HOUR).toISOString(),
        reminderAt: new Date(Date.now() + (dueInHours - 1) * HOUR).toISOString(),
      },
    }).then((r) => r.createActivity);

  beforeAll(async () => {
    [rep, other] = await Promise.all([platform.createStaff('SALES_REP'), platform.createStaff('SALES_REP')]);
    customerId = await newCustomer('Agenda');
  });

  it("tells a rep of a task given to them, its reminder when the job finds it due and its completion; nothing of another rep's", async () => {
    const agenda = subscribe(client(rep.authorization), AGENDA, { after: await head() });
    const start = Date.now();
    await task(other, "Another rep's call", 2);
    const mine = await task(rep, 'Call back about the Kodiaq', 2);
    // The reminder job's pass at a moment the test chooses (its clock): both reminders (due in 2 h, at 1 h) have come.
    expect(await flagDueActivities(platform.subgraphs.sales.orm.em.fork(), new Date(start + 1.5 * HOUR))).toBeGreaterThanOrEqual(2);
    await executeOk(url, CompleteActivityDocument, { id: mine.id, version: mine.version }, { authorization: rep.authorization });

    await agenda.waitFor(3);
    // The other rep's task was created and fell due before this one was done: had it reached this rep, it would be here.
    expect(agendaOf(agenda)).toEqual([
      ['CREATED', 'Call back about the Kodiaq'],
      ['DUE', 'Call back about the Kodiaq'],
      ['DONE', 'Call back about the Kodiaq'],
    ]);
    expect(agenda.results.map((r) => r.data?.activityChanged.event.type)).toEqual(['ActivityCreated', 'ActivityDue', 'ActivityCompleted']);
    expect(agenda.results[0]!.data?.activityChanged.activity?.owner).toEqual({ id: rep.id });
  });

  it("resumes after the last cursor received with what was missed, and refuses a rep another rep's agenda", async () => {
    const admin = subscribe(client(platform.admin.authorization), AGENDA, { filter: { ownerId: other.id }, after: await head() });
    await task(other, 'Send the brochure', 3);
    const [first] = await admin.waitFor(1);
    await admin.close();
    await task(other, 'Check the financing', 4); // while nobody listens
    const resumed = subscribe(client(platform.admin.authorization), AGENDA, {
      filter: { ownerId: other.id },
      after: first!.data!.activityChanged.event.cursor,
    });
    await resumed.waitFor(1);
    expect(agendaOf(resumed)).toEqual([['CREATED', 'Check the financing']]);

    const refused = subscribe(client(rep.authorization), AGENDA, { filter: { ownerId: other.id } });
    expect(await refusal(refused as Subscriber<unknown>)).toEqual(['FORBIDDEN']);
  });
});

interface LeadProgressChange {
  leadChanged: { event: { type: string; aggregateId: string }; progress: { status: string; result: string; advisorName: string | null } | null };
}
const FOLLOW = doc<LeadProgressChange>(`subscription { leadChanged { event { type aggregateId } progress { status result advisorName } } }`);

/** A web form's client: no credentials, only the followToken submitWebForm answered with. */
function follower(followToken: string): Client {
  const created = createClient({ url: platform.wsUrl, webSocketImpl: WebSocket, connectionParams: { followToken }, retryAttempts: 0, lazy: true });
  clients.push(created);
  return created;
}

async function submitWebForm(region: string): Promise<{ id: string; followToken: string }> {
  const id = unique();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' }, // no Authorization: the public form
    body: JSON.stringify({
      query: 'mutation($input: WebFormInput!) { submitWebForm(input: $input) { id followToken } }',
      variables: {
        input: {
          formKey: platform.webFormKey,
          submissionId: `follow-${id}`,
          firstName: 'Eva',
          lastName: 'Sledující',
          email: `eva.${id}@example.cz`,
          deviceIds: [],
          consents: [],
          region: `${region} 1`,
        },
      },
    }),
  });
  const body = (await response.json()) as ExecutionResult<{ submitWebForm: { id: string; followToken: string } }>;
  if (body.errors?.length || !body.data) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
  return body.data.submitWebForm;
}

const LEAD = doc<{ lead: { id: string; version: number; owner: { id: string } | null } }, { id: string }>(
  'query($id: ID!) { lead(id: $id) { id version owner { id } } }',
);

describe('leadChanged', () => {
  let advisor: StaffMember;
  let region: string;
  beforeAll(async () => {
    advisor = await platform.createStaff('SALES_REP', { name: `Petra Poradkyně ${unique()}` });
    region = `Follow-${unique()}`;
    await executeOk(url, CreateLeadRoutingRuleDocument, {
      input: { name: `${region} leads`, regionPrefix: region, candidateUserIds: [advisor.id], priority: 5 },
    });
  });

  it("lets a web form's client follow its own lead to its advisor with the followToken, and nothing else", async () => {
    const staff = subscribe(client(platform.admin.authorization), doc<LeadProgressChange>('subscription { leadChanged { event { type aggregateId } } }'), {});
    const submitted = await submitWebForm(region);
    expect(submitted.followToken).toEqual(expect.any(String));
    // The form's client subscribes only once the lead is routed and the gateway has passed that (staff heard it):
    // what it missed is replayed from the lead's first event.
    await eventually(async () =>
      expect(staff.results.map((r) => r.data?.leadChanged.event)).toContainEqual({ type: 'LeadAssigned', aggregateId: submitted.id }),
    );
    const socket = follower(submitted.followToken);
    const progress = subscribe(socket, FOLLOW, {});
    const progressOf = () => progress.results.map((r) => r.data?.leadChanged.progress);
    await eventually(async () => expect(progressOf()).toContainEqual({ status: 'NEW', result: 'ASSIGNED', advisorName: expect.stringMatching(/^Petra/) }));
    expect(progress.results.map((r) => r.data?.leadChanged.event.type)).toEqual(expect.arrayContaining(['LeadCreated', 'LeadScored', 'LeadAssigned']));

    // Another form's lead is routed, then the followed lead changes: the follower hears of the second only.
    const stranger = await submitWebForm(region);
    await eventually(async () => expect((await executeOk(url, LEAD, { id: stranger.id })).lead.owner).toEqual({ id: advisor.id }));
    const lead = (await executeOk(url, LEAD, { id: submitted.id })).lead;
    await executeOk(url, UpdateLeadStatusDocument, { id: lead.id, version: lead.version, status: 'CONTACTED' });
    await eventually(async () =>
      expect(progressOf().at(-1)).toEqual({ status: 'CONTACTED', result: 'ASSIGNED', advisorName: expect.stringMatching(/^Petra/) }),
    );
    expect(new Set(progress.results.map((r) => r.data?.leadChanged.event.aggregateId))).toEqual(new Set([submitted.id]));

    // Naming the other lead, selecting the lead itself (personal data) or another subscription is refused.
    const other = subscribe(socket, doc('subscription($id: ID) { leadChanged(id: $id) { progress { status } } }'), { id: stranger.id });
    expect(await refusal(other)).toEqual(['FORBIDDEN']);
    const personal = subscribe(socket, doc('subscription { leadChanged { lead { contactName contactEmail } } }'), {});
    expect(await refusal(personal)).toEqual(['FORBIDDEN']);
    const deals = subscribe(socket, doc('subscription { opportunityChanged { event { type } } }'), {});
    expect(await refusal(deals)).toEqual(['FORBIDDEN']);
  });

  it('refuses a forged follow token, or a token of another purpose, with 4401', async () => {
    const { id, followToken } = await submitWebForm(region);
    const forged = `${followToken.slice(0, -4)}AAAA`;
    const quoteLink = await signLinkToken('quote-view', id, new Date(Date.now() + HOUR));
    for (const token of [forged, 'not-a-token', quoteLink]) {
      const refused = (await subscribe(follower(token), FOLLOW, {}).failure) as { code?: number };
      expect(refused.code).toBe(4401);
    }
  });

  it('tells staff of the leads they may see: the advisor of the one routed to them, another rep nothing', async () => {
    const bystander = await platform.createStaff('SALES_REP');
    const query = doc<{ leadChanged: { event: { type: string; aggregateId: string }; lead: { id: string; contactName: string | null } | null } }>(
      'subscription($after: String) { leadChanged(after: $after) { event { type aggregateId } lead { id contactName } } }',
    );
    const after = await head();
    const advisorFeed = subscribe(client(advisor.authorization), query, { after });
    const bystanderFeed = subscribe(client(bystander.authorization), query, { after });
    const submitted = await submitWebForm(region);
    // Created and scored before routing, nobody's yet: the advisor hears of it once it is theirs.
    const about = () => advisorFeed.results.filter((r) => r.data?.leadChanged.event.aggregateId === submitted.id).map((r) => r.data?.leadChanged);
    await eventually(async () => expect(about().map((change) => change?.event.type)).toEqual(['LeadAssigned']));
    expect(about()[0]?.lead).toEqual({ id: submitted.id, contactName: 'Eva Sledující' });
    // The bystander's own lead comes after all of that on the bus; it is all they hear.
    const own = await executeOk(url, CreateLeadDocument, { input: { source: 'PHONE', contactName: 'Own lead' } }, { authorization: bystander.authorization });
    await bystanderFeed.waitFor(1);
    expect(bystanderFeed.results.map((r) => [r.data?.leadChanged.event.type, r.data?.leadChanged.event.aggregateId])).toEqual([
      ['LeadCreated', own.createLead.id],
    ]);
  });
});

const LEAD_QUOTE = doc<{ quote: { id: string; version: number } }, { id: string }>('query($id: ID!) { quote(id: $id) { id version } }');

describe('quoteChanged', () => {
  it("tells the deal's owner their quote was sent, viewed and accepted; another rep nothing", async () => {
    const [owner, other] = await Promise.all([platform.createStaff('SALES_REP'), platform.createStaff('SALES_REP')]);
    const { createPipeline } = await executeOk(url, CreatePipelineDocument, {
      input: { name: `Live quotes ${unique()}`, stages: [{ name: 'Inquiry', probability: 10 }] },
    });
    const deal = async (ownerId: string) =>
      (
        await executeOk(url, CreateOpportunityDocument, {
          input: { customerId: await newCustomer('Quoted'), pipelineId: createPipeline.id, title: 'Live deal', amount: CZK('799900.00'), ownerId },
        })
      ).createOpportunity;
    const sku = `LQ-${unique()}`;
    const car = (await executeOk(url, CreateProductDocument, { input: { sku, name: `Car ${sku}`, category: 'CAR', listPrice: CZK('799900.00') } }))
      .createProduct;
    const quoteFor = async (opportunityId: string) => {
      const draft = (await executeOk(url, CreateQuoteDocument, { input: { opportunityId, title: 'Offer', currency: 'CZK', taxRatePercent: '21' } }))
        .createQuote;
      return (await executeOk(url, AddQuoteLineDocument, { quoteId: draft.id, version: draft.version, input: { productId: car.id } })).addQuoteLine;
    };
    const query = doc<{
      quoteChanged: { event: { type: string; aggregateId: string }; view: string | null; quote: { id: string; status: string } | null };
    }>('subscription($after: String) { quoteChanged(after: $after) { event { type aggregateId } view quote { id status } } }');
    const after = await head();
    const ownerFeed = subscribe(client(owner.authorization), query, { after });
    const otherFeed = subscribe(client(other.authorization), query, { after });

    const quote = await quoteFor((await deal(owner.id)).id);
    const sent = (await executeOk(url, SendQuoteDocument, { id: quote.id, version: quote.version })).sendQuote;
    await executeOk(url, MarkQuoteViewedDocument, { id: sent.id, channel: 'EMAIL' });
    const viewed = (await executeOk(url, LEAD_QUOTE, { id: sent.id })).quote;
    await executeOk(url, AcceptQuoteDocument, { id: sent.id, version: viewed.version });

    const typesOf = (feed: typeof ownerFeed) => feed.results.map((r) => r.data?.quoteChanged.event.type);
    await eventually(async () => expect(typesOf(ownerFeed)).toContain('QuoteAccepted'));
    expect(typesOf(ownerFeed).filter((type) => ['QuoteSent', 'QuoteViewed', 'QuoteAccepted'].includes(type!))).toEqual([
      'QuoteSent',
      'QuoteViewed',
      'QuoteAccepted',
    ]);
    expect(ownerFeed.results.find((r) => r.data?.quoteChanged.event.type === 'QuoteViewed')?.data?.quoteChanged.view).toBe('OPENED');
    expect(ownerFeed.results.at(-1)?.data?.quoteChanged.quote).toEqual({ id: quote.id, status: 'ACCEPTED' });
    expect(new Set(ownerFeed.results.map((r) => r.data?.quoteChanged.event.aggregateId))).toEqual(new Set([quote.id]));

    // The other rep's own quote comes after all of that on the bus; it is all they hear.
    const theirs = await quoteFor((await deal(other.id)).id);
    await eventually(async () => expect(typesOf(otherFeed)).toContain('QuoteChanged'));
    expect(new Set(otherFeed.results.map((r) => r.data?.quoteChanged.event.aggregateId))).toEqual(new Set([theirs.id]));
  });
});
