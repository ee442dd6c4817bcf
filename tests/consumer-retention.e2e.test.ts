import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { SubgraphName } from '@crm/kit/config.js';
import type { ConsumerStatus } from '@crm/kit/consumer.js';
import { createGraphClient } from '@crm/kit/graph-client.js';
import { createLogger } from '@crm/kit/logger.js';
import {
  CreateCustomerDocument,
  CreateOpportunityDocument,
  CreatePipelineDocument,
  FollowUpsDocument,
  MoveOpportunityDocument,
  RecordConsentDocument,
  SubmitWebFormDocument,
  UpdateCustomerDocument,
  WebFormLeadDocument,
  type WebFormInput,
} from './generated/graphql.js';
import { executeOk } from './helpers/graphql.js';
import { eventually } from './helpers/eventually.js';
import { startPlatform, type Platform } from './helpers/platform.js';

// Issue 7.5: a consumer that was away longer than the event retention window never waits for ever. A projection
// rebuilds from the subgraphs that own the data; an automation whose triggers have passed reads on. Both say so.

let platform: Platform;
let url: string;
beforeAll(async () => {
  platform = await startPlatform();
  url = platform.gatewayUrl;
});
afterAll(() => platform.stop());

interface Readiness {
  status: number;
  consumers: ConsumerStatus[];
}

async function readiness(subgraph: SubgraphName): Promise<Readiness> {
  const response = await fetch(new URL('/health/ready', platform.subgraphs[subgraph].url));
  const body = (await response.json()) as { checks: { consumers: { consumers: ConsumerStatus[] } } };
  return { status: response.status, consumers: body.checks.consumers.consumers };
}

const consumer = (health: Readiness, name: string) => health.consumers.find((c) => c.consumer === name)!;

const marketingRow = async <T>(sql: string, params: unknown[]) =>
  (await platform.subgraphs.marketing.orm.em.fork().getConnection().execute<T[]>(sql, params))[0];

function webForm(): WebFormInput {
  const id = randomUUID().slice(0, 8);
  return {
    formKey: platform.webFormKey,
    submissionId: `retention-${id}`,
    firstName: 'Vera',
    lastName: 'Pozdní',
    email: `vera.${id}@example.cz`,
    deviceIds: [],
    consents: [{ purpose: 'MARKETING', channel: 'EMAIL', granted: true, textVersion: 'v3' }],
    region: `Nowhere-${id}`,
    pageUrl: 'https://dealer.example.cz/kodiaq',
  };
}

/** Waits until the bus holds an event of this type about this aggregate (the owner's relay published it). */
async function published(type: string, aggregateId: string) {
  await eventually(async () => {
    const head = await platform.bus.head();
    const events = [];
    for (let cursor: string | null = null; ;) {
      const page = await platform.bus.read(cursor, 500);
      events.push(...page);
      if (page.length < 500 || page.at(-1)!.cursor === head) break;
      cursor = page.at(-1)!.cursor;
    }
    expect(events.some((e) => e.type === type && e.aggregateId === aggregateId)).toBe(true);
  });
}

describe('consumers that fell behind the retention window', () => {
  it('rebuild projections from the owners, skip stale automations, and report it in /health until done', async () => {
    const { createCustomer: customer } = await executeOk(url, CreateCustomerDocument, {
      input: { kind: 'PERSON', firstName: 'Vera', lastName: 'Včasná', emails: [`vera.${randomUUID().slice(0, 8)}@example.cz`], phones: [] },
    });
    await executeOk(url, RecordConsentDocument, {
      input: { customerId: customer.id, purpose: 'MARKETING', channel: 'EMAIL', status: 'GRANTED', source: 'test', textVersion: 'v3' },
    });
    await eventually(async () => {
      expect(await marketingRow('select granted from consent_state where customer_id = ?', [customer.id])).toEqual({ granted: true });
    });

    // Marketing is away while identity and sales change what it projects.
    await platform.stopSubgraph('marketing');
    await executeOk(url, RecordConsentDocument, {
      input: { customerId: customer.id, purpose: 'MARKETING', channel: 'EMAIL', status: 'WITHDRAWN', source: 'test', textVersion: 'v3' },
    });
    await executeOk(url, UpdateCustomerDocument, { id: customer.id, version: customer.version, input: { firstName: 'Věra' } });
    const { createOpportunity: opportunity } = await executeOk(url, CreateOpportunityDocument, {
      input: { customerId: customer.id, title: 'Octavia for Věra', amount: { amount: '650000.00', currency: 'CZK' } },
    });
    await published('CustomerChanged', customer.id);
    await published('OpportunityCreated', opportunity.id);

    // Identity is away when a web form comes in.
    await platform.stopSubgraph('identity');
    const { submitWebForm: missedLead } = await executeOk(url, SubmitWebFormDocument, { input: webForm() });
    await published('WebFormSubmitted', missedLead.id);

    // Longer than the retention window: every event either of them had not read is gone.
    await platform.bus.prune(new Date(Date.now() + 1000));

    // Marketing comes back first: its rebuild needs identity, which is still away, so it stays not ready and says why.
    await platform.restartSubgraph('marketing');
    const waiting = await eventually(async () => {
      const health = await readiness('marketing');
      expect(health.status).toBe(503);
      expect(consumer(health, 'marketing.journey').behindRetentionSince).not.toBeNull();
      expect(consumer(health, 'marketing.journey').lastError).toBeTruthy();
      return health;
    });
    expect(consumer(waiting, 'marketing.journey').resynchronized).toBeNull();

    await platform.restartSubgraph('identity');
    // Identity's web-form automation reads on from the oldest retained event and says what was not done.
    // Each of identity's consumers resynchronizes on its own; identity is ready once all of them have.
    const identityHealth = await eventually(async () => {
      const health = await readiness('identity');
      expect(consumer(health, 'identity.web-form-submitted').resynchronized?.how).toBe('skipped');
      expect({ status: health.status, unwell: health.consumers.filter((c) => c.behindRetentionSince || c.lastError) }).toEqual({ status: 200, unwell: [] });
      return health;
    });
    expect(consumer(identityHealth, 'identity.web-form-submitted').resynchronized?.lost).toMatch(/leads stay NEW/);

    // Marketing's projections are rebuilt from identity and sales; its timeline skips; then it is ready again.
    const marketingHealth = await eventually(async () => {
      const health = await readiness('marketing');
      // On failure this shows what each consumer that is not well says.
      expect({ status: health.status, unwell: health.consumers.filter((c) => c.behindRetentionSince || c.lastError) }).toEqual({ status: 200, unwell: [] });
      return health;
    }, 30_000);
    expect(consumer(marketingHealth, 'marketing.journey')).toMatchObject({ behindRetentionSince: null, resynchronized: { how: 'rebuilt' } });
    expect(consumer(marketingHealth, 'marketing.timeline').resynchronized?.how).toBe('skipped');
    expect(await marketingRow('select granted from consent_state where customer_id = ?', [customer.id])).toEqual({ granted: false });
    expect(await marketingRow('select first_name from customer_profile where id = ?', [customer.id])).toEqual({ first_name: 'Věra' });
    expect(await marketingRow('select customer_id, is_open from opportunity_state where id = ?', [opportunity.id])).toEqual({
      customer_id: customer.id,
      is_open: true,
    });

    // Both read on: a web form sent now is resolved and routed as usual, while the missed one stays as it was.
    const { submitWebForm: lead } = await executeOk(url, SubmitWebFormDocument, { input: webForm() });
    await eventually(async () => {
      expect((await executeOk(url, WebFormLeadDocument, { id: lead.id })).lead.customer?.id).toBeTruthy();
    });
    expect((await executeOk(url, WebFormLeadDocument, { id: missedLead.id })).lead.customer).toBeNull();
  }, 90_000);
});

describe("sales' first-offer automation after missing its events", () => {
  it("plans the call for every opportunity standing at the first offer without one, from sales' own records", async () => {
    const { createCustomer: customer } = await executeOk(url, CreateCustomerDocument, {
      input: { kind: 'PERSON', firstName: 'Olga', lastName: 'Nabídková', emails: [`olga.${randomUUID().slice(0, 8)}@example.cz`], phones: [] },
    });
    const { createPipeline: pipeline } = await executeOk(url, CreatePipelineDocument, {
      input: {
        name: `Retention ${randomUUID().slice(0, 8)}`,
        stages: [
          { name: 'Inquiry', probability: 10 },
          { name: 'Offer sent', probability: 50, marker: 'FIRST_OFFER_SENT' },
        ],
      },
    });
    const offerStage = pipeline.stages.find((stage) => stage.marker === 'FIRST_OFFER_SENT')!;
    const followUpAt = new Date(Date.now() + 4 * 24 * 3600_000);
    followUpAt.setUTCHours(9, 0, 0, 0);
    const opportunities = [];
    for (const title of ['Missed offer', 'Followed offer']) {
      const { createOpportunity } = await executeOk(url, CreateOpportunityDocument, {
        input: { customerId: customer.id, pipelineId: pipeline.id, title, amount: { amount: '700000.00', currency: 'CZK' } },
      });
      await executeOk(url, MoveOpportunityDocument, {
        id: createOpportunity.id,
        version: createOpportunity.version,
        stageId: offerStage.id,
        followUpAt: followUpAt.toISOString(),
      });
      opportunities.push(createOpportunity.id);
    }
    const calls = async (opportunityId: string) => (await executeOk(url, FollowUpsDocument, { filter: { opportunityId } })).activities;
    for (const id of opportunities) await eventually(async () => expect((await calls(id)).totalCount).toBe(1));
    // As if the first one's OpportunityStageChanged had been pruned before the automation read it.
    const sales = platform.subgraphs.sales.orm.em.fork();
    await sales.getConnection().execute('delete from sales_activity where opportunity_id = ?', [opportunities[0]]);

    const handler = platform.subgraphs.sales.handlers.find((h) => h.name === 'sales.first-offer-follow-up')!;
    const { afterExpiry } = handler;
    if (!('rebuild' in afterExpiry)) throw new Error('the first-offer automation must rebuild');
    const graph = createGraphClient((other) => platform.subgraphs[other].url, 'sales-rebuild');
    await sales.transactional((em) => afterExpiry.rebuild(em, graph, createLogger('rebuild')));

    const [missed, followed] = [await calls(opportunities[0]!), await calls(opportunities[1]!)];
    expect(missed.totalCount).toBe(1);
    expect(missed.edges[0]!.node).toMatchObject({ type: 'CALL', dueAt: followUpAt.toISOString(), done: false });
    expect(followed.totalCount).toBe(1); // it had its call: nothing added
  });
});
