import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { readAll } from '@crm/kit/bus/event-bus.js';
import {
  ArchiveCustomerDocument,
  CreateCustomerDocument,
  DeleteWebhookEndpointDocument,
  PauseWebhookEndpointDocument,
  RegisterWebhookEndpointDocument,
  ReplayWebhookDeliveriesDocument,
  ResumeWebhookEndpointDocument,
  RevokeApiKeyDocument,
  RotateWebhookSecretDocument,
  UpdateCustomerDocument,
  UpdateWebhookEndpointDocument,
  WebhookDeliveryLogDocument,
  WebhookEndpointsDocument,
  WebhookEventTypesDocument,
} from './generated/graphql.js';
import { eventually } from './helpers/eventually.js';
import { quoteSent, quoteSnapshot } from './helpers/events.js';
import { errorCodes, execute, executeOk } from './helpers/graphql.js';
import { PartnerWebhookServer } from './helpers/partner-webhook-server.js';
import { startPlatform, type Platform } from './helpers/platform.js';

// Webhooks end to end (ADR 17): a partner's real HTTP server receives signed deliveries through the whole platform
// (identity's mutation → outbox → bus → identity's fan-out → a durable job → HTTP). The partner is on 127.0.0.1, so
// private networks are allowed here; retries come after about a second instead of minutes, and an endpoint failing
// 8 times over 3 s is paused (the down-for-a-while test reopens after 2 failures, well before).
process.env.WEBHOOK_ALLOW_PRIVATE_NETWORKS = 'true';
process.env.WEBHOOK_RETRY_SCHEDULE = '0.5,1,1,1,1,1,1,1,1,1,1,1';
process.env.WEBHOOK_PAUSE_AFTER_FAILURES = '8';
process.env.WEBHOOK_PAUSE_AFTER_SECONDS = '3';

let platform: Platform;
let url: string;
beforeAll(async () => {
  platform = await startPlatform();
  url = platform.gatewayUrl;
});
afterAll(() => platform.stop());

/** Deliveries go one at a time through identity's job runner: on a busy machine a few take seconds. */
const settle = <T>(check: () => Promise<T>, timeoutMs = 30_000) => eventually(check, timeoutMs);

const CUSTOMER_EVENTS = ['CustomerCreated', 'CustomerChanged'];

async function register(partner: PartnerWebhookServer, eventTypes = CUSTOMER_EVENTS) {
  return (await executeOk(url, RegisterWebhookEndpointDocument, { input: { url: partner.url(), eventTypes, description: 'test partner' } }))
    .registerWebhookEndpoint;
}

/** A customer changed in steps: created, then its job title set to each of `titles` in turn. */
async function customerInSteps(name: string, titles: string[]): Promise<string> {
  const created = (await executeOk(url, CreateCustomerDocument, { input: { kind: 'PERSON', firstName: name, lastName: 'Webhook', emails: [], phones: [] } }))
    .createCustomer;
  let version = created.version;
  for (const jobTitle of titles) {
    version = (await executeOk(url, UpdateCustomerDocument, { id: created.id, version, input: { jobTitle } })).updateCustomer.version;
  }
  return created.id;
}

const log = async (id: string) => (await executeOk(url, WebhookDeliveryLogDocument, { id, first: 100 })).webhookEndpoint!;
/** Removes a test's endpoint, so that later tests' events are not queued for a partner that is gone. */
async function retire(id: string) {
  await executeOk(url, DeleteWebhookEndpointDocument, { id, version: (await log(id)).version });
}
const jobTitlesOf = (partner: PartnerWebhookServer, customerId: string) => partner.about(customerId).map((d) => d.body.data.jobTitle ?? null);

describe('webhooks', () => {
  it('delivers each entity’s events in order, signed so that the partner can verify them, and logs each delivery', async () => {
    const partner = new PartnerWebhookServer();
    await partner.open();
    const { endpoint, secret } = await register(partner);
    expect(secret).toMatch(/^whsec_/);
    expect(endpoint).toMatchObject({ status: 'ACTIVE', ownerKind: 'USER', ownerId: platform.admin.id, eventTypes: CUSTOMER_EVENTS });

    const [first, second] = await Promise.all([customerInSteps('Ada', ['one', 'two', 'three']), customerInSteps('Bob', ['uno'])]);
    await settle(async () => {
      expect(jobTitlesOf(partner, first)).toEqual([null, 'one', 'two', 'three']);
      expect(jobTitlesOf(partner, second)).toEqual([null, 'uno']);
    });
    for (const delivery of partner.received) {
      expect(PartnerWebhookServer.verify(secret, delivery)).toMatchObject({ type: delivery.body.type, aggregateId: delivery.body.aggregateId });
      expect(delivery.headers['webhook-id']).toBe(delivery.body.id);
    }
    // A forged body does not verify. (Ada's delivery: the two customers are written at once, so either may come first.)
    const adas = partner.about(first)[0]!;
    expect(adas.raw).toContain('Ada');
    const forged = { ...adas, raw: adas.raw.replace('Ada', 'Eve') };
    expect(() => PartnerWebhookServer.verify(secret, forged)).toThrow();

    const { deliveries } = await log(endpoint.id);
    expect(deliveries.totalCount).toBe(6);
    for (const { node } of deliveries.edges) {
      expect(node).toMatchObject({ status: 'DELIVERED', attempt: 1, responseStatus: 200, responseBody: '{"ok":true}', error: null, replay: false });
      expect(node.attempts).toHaveLength(1);
    }
    // Newest first, each with its bus event.
    expect(deliveries.edges.map(({ node }) => node.event.aggregateId)).toContain(first);
    await retire(endpoint.id);
    await partner.close();
  });

  it('never forwards the customer’s own quote link: its token would let the partner act as the customer', async () => {
    const partner = new PartnerWebhookServer();
    await partner.open();
    const { endpoint } = await register(partner, ['QuoteSent']);
    const sent = quoteSent(quoteSnapshot({ quoteId: randomUUID(), customerId: randomUUID() }));
    const documentUrl = 'http://localhost:4000/public/sales/quotes/eyJhbGciOiJIUzI1NiJ9.signed.token';
    await platform.bus.publish('sales', [{ ...sent, payload: { ...sent.payload, documentUrl } }], randomUUID());
    const [delivery] = await settle(async () => {
      expect(partner.about(sent.aggregateId)).toHaveLength(1);
      return partner.about(sent.aggregateId);
    });
    expect(delivery!.body.data).toMatchObject({ quoteId: sent.aggregateId, title: 'Offer' });
    expect(delivery!.body.data).not.toHaveProperty('documentUrl');
    expect(delivery!.raw).not.toContain('signed.token');
    await retire(endpoint.id);
    await partner.close();
  });

  it('keeps an entity’s events in order while the partner is down, and delivers every one when it is back', async () => {
    const partner = new PartnerWebhookServer();
    await partner.open();
    const { endpoint } = await register(partner);
    await partner.close();

    const customerId = await customerInSteps('Cyd', ['one', 'two', 'three']);
    // The oldest event fails again and again; the later ones wait behind it.
    await settle(async () => {
      const failing = (await log(endpoint.id)).deliveries.edges.find(({ node }) => node.event.type === 'CustomerCreated')!.node;
      expect(failing.status).toBe('FAILING');
      expect(failing.attempt).toBeGreaterThanOrEqual(2);
      expect(failing.error).toMatch(/ECONNREFUSED|connect/i);
    });
    expect((await log(endpoint.id)).deliveries.edges.filter(({ node }) => node.status === 'PENDING')).toHaveLength(3);

    await partner.open();
    await settle(() => {
      expect(jobTitlesOf(partner, customerId)).toEqual([null, 'one', 'two', 'three']);
      return Promise.resolve();
    });
    const after = await log(endpoint.id);
    expect(after.status).toBe('ACTIVE');
    const created = after.deliveries.edges.find(({ node }) => node.event.type === 'CustomerCreated')!.node;
    expect(created.status).toBe('DELIVERED');
    expect(created.attempts.length).toBeGreaterThanOrEqual(3);
    expect(created.attempts.at(-1)).toMatchObject({ responseStatus: 200, error: null });
    expect(created.attempts.slice(0, -1).every((a) => a.responseStatus === null && a.error)).toBe(true);
    expect(after.deliveries.edges.every(({ node }) => node.status === 'DELIVERED')).toBe(true);
    await retire(endpoint.id);
    await partner.close();
  });

  it('never follows a redirect (to the cloud metadata address here): the attempt is a failure in the log', async () => {
    const partner = new PartnerWebhookServer();
    partner.answer = 'redirect-to-metadata';
    await partner.open();
    const { endpoint } = await register(partner, ['CustomerCreated']);
    await customerInSteps('Dee', []);
    await settle(async () => {
      const [delivery] = (await log(endpoint.id)).deliveries.edges.map((e) => e.node);
      expect(delivery).toMatchObject({ status: 'FAILING', responseStatus: 307, error: 'redirect not followed (to http://169.254.169.254/latest/meta-data/)' });
    });
    const paused = (await executeOk(url, PauseWebhookEndpointDocument, { id: endpoint.id, version: (await log(endpoint.id)).version })).pauseWebhookEndpoint;
    expect(paused).toMatchObject({ status: 'PAUSED', pausedReason: `paused by ${platform.admin.id}` });
    await retire(endpoint.id);
    await partner.close();
  });

  it('pauses an endpoint that keeps failing and tells its owner; resuming delivers the backlog in order', async () => {
    const partner = new PartnerWebhookServer();
    partner.answer = 'error';
    await partner.open();
    const head = await platform.bus.head();
    const { endpoint } = await register(partner);
    const customerId = await customerInSteps('Eli', ['one']);

    const paused = await settle(async () => {
      const current = await log(endpoint.id);
      expect(current).toMatchObject({ status: 'PAUSED', pausedReason: expect.stringMatching(/failed in a row.*answered 500/) });
      return current;
    }, 40_000);
    expect(paused.consecutiveFailures).toBeGreaterThanOrEqual(8);
    const failing = paused.deliveries.edges.find(({ node }) => node.event.type === 'CustomerCreated')!.node;
    expect(failing).toMatchObject({ status: 'FAILING', responseStatus: 500, responseBody: 'partner database is down', nextAttemptAt: null });
    // The owner is told: an event on the bus naming them (and the endpoint's status and reason above).
    await settle(async () => {
      const told = [];
      for await (const event of readAll(platform.bus, head)) if (event.type === 'WebhookEndpointPaused' && event.aggregateId === endpoint.id) told.push(event);
      expect(told).toEqual([expect.objectContaining({ payload: expect.objectContaining({ ownerId: platform.admin.id, status: 'PAUSED' }) })]);
    });

    // While paused, changes queue up.
    partner.answer = 'ok';
    const two = (await executeOk(url, UpdateCustomerDocument, { id: customerId, version: 2, input: { jobTitle: 'two' } })).updateCustomer;
    await executeOk(url, UpdateCustomerDocument, { id: customerId, version: two.version, input: { jobTitle: 'three' } });
    await settle(async () => expect((await log(endpoint.id)).deliveries.totalCount).toBe(4));
    expect(partner.received).toHaveLength(0);

    await executeOk(url, ResumeWebhookEndpointDocument, { id: endpoint.id, version: paused.version });
    await settle(() => {
      expect(jobTitlesOf(partner, customerId)).toEqual([null, 'one', 'two', 'three']);
      return Promise.resolve();
    });
    expect((await log(endpoint.id)).consecutiveFailures).toBe(0);
    await retire(endpoint.id);
    await partner.close();
  });

  it('replays from a cursor of the delivery log, and signs with a rotated secret', async () => {
    const partner = new PartnerWebhookServer();
    await partner.open();
    const { endpoint } = await register(partner);
    const customerId = await customerInSteps('Fay', ['one', 'two']);
    await settle(() => {
      expect(jobTitlesOf(partner, customerId)).toEqual([null, 'one', 'two']);
      return Promise.resolve();
    });
    const rotated = (await executeOk(url, RotateWebhookSecretDocument, { id: endpoint.id, version: endpoint.version })).rotateWebhookSecret;
    const firstCursor = partner.about(customerId)[0]!.body.cursor;
    const { replayWebhookDeliveries } = await executeOk(url, ReplayWebhookDeliveriesDocument, {
      id: endpoint.id,
      version: rotated.endpoint.version,
      input: { after: firstCursor },
    });
    expect(replayWebhookDeliveries.queued).toBe(2);
    await settle(() => {
      expect(jobTitlesOf(partner, customerId)).toEqual([null, 'one', 'two', 'one', 'two']);
      return Promise.resolve();
    });
    const replayed = partner.about(customerId).slice(3);
    // The same webhook-id as the first time (a partner that dedupes by it sees a duplicate), the new secret's signature.
    expect(replayed.map((d) => d.headers['webhook-id'])).toEqual(
      partner
        .about(customerId)
        .slice(1, 3)
        .map((d) => d.headers['webhook-id']),
    );
    for (const delivery of replayed) expect(() => PartnerWebhookServer.verify(rotated.secret, delivery)).not.toThrow();

    const unknown = await execute(url, ReplayWebhookDeliveriesDocument, {
      id: endpoint.id,
      version: rotated.endpoint.version,
      input: { after: 'not-a-cursor' },
    });
    expect(errorCodes(unknown)).toEqual(['BAD_USER_INPUT']);
    await executeOk(url, DeleteWebhookEndpointDocument, { id: endpoint.id, version: rotated.endpoint.version });
    await partner.close();
  });

  it('lets a partner’s key manage its own endpoints, for the event types it may read', async () => {
    const key = await platform.createApiKey(['webhooks:manage', 'customers:read', 'opportunities:read']);
    const asKey = { authorization: key.authorization };
    // What may be asked for, with the permissions each type takes.
    const { webhookEventTypes } = await executeOk(url, WebhookEventTypesDocument, {}, asKey);
    expect(webhookEventTypes).toEqual(
      expect.arrayContaining([
        { type: 'OpportunityStageChanged', aggregateType: 'Opportunity', permissions: ['opportunities:read'] },
        { type: 'CustomerChanged', aggregateType: 'Customer', permissions: ['customers:read', 'pii:read'] },
      ]),
    );
    expect(webhookEventTypes.map((t) => t.type)).not.toContain('ApiKeyCreated');
    const input = { url: 'http://127.0.0.1:9/hooks', eventTypes: ['OpportunityStageChanged'] };
    const registered = await executeOk(url, RegisterWebhookEndpointDocument, { input }, asKey);
    expect(registered.registerWebhookEndpoint.endpoint).toMatchObject({ ownerKind: 'API_KEY', ownerId: key.id });
    // Personal data takes pii:read; staff and keys' own configuration is never sent.
    const personal = await execute(url, RegisterWebhookEndpointDocument, { input: { ...input, eventTypes: ['CustomerChanged'] } }, asKey);
    expect(errorCodes(personal)).toEqual(['FORBIDDEN']);
    const internal = await execute(url, RegisterWebhookEndpointDocument, { input: { ...input, eventTypes: ['ApiKeyCreated'] } }, asKey);
    expect(errorCodes(internal)).toEqual(['BAD_USER_INPUT']);
    const notUrl = await execute(url, RegisterWebhookEndpointDocument, { input: { ...input, url: 'ftp://partner.example/x' } }, asKey);
    expect(errorCodes(notUrl)).toEqual(['BAD_USER_INPUT']);
    // A key sees its own endpoints only; the admin sees all.
    const own = (await executeOk(url, WebhookEndpointsDocument, {}, asKey)).webhookEndpoints;
    expect(own.edges.map((e) => e.node.id)).toEqual([registered.registerWebhookEndpoint.endpoint.id]);
    const admins = (await executeOk(url, RegisterWebhookEndpointDocument, { input })).registerWebhookEndpoint.endpoint;
    const all = (await executeOk(url, WebhookEndpointsDocument)).webhookEndpoints;
    expect(all.edges.map((e) => e.node.id)).toEqual([admins.id, registered.registerWebhookEndpoint.endpoint.id]);
    expect((await executeOk(url, WebhookEndpointsDocument, {}, asKey)).webhookEndpoints.totalCount).toBe(1);
    const othersEndpoint = await execute(url, PauseWebhookEndpointDocument, { id: admins.id, version: admins.version }, asKey);
    expect(errorCodes(othersEndpoint)).toEqual(['NOT_FOUND']);
    // Staff changing a key's endpoint give it only what the key itself may read.
    const keysEndpoint = registered.registerWebhookEndpoint.endpoint;
    const beyondKey = await execute(url, UpdateWebhookEndpointDocument, {
      id: keysEndpoint.id,
      version: keysEndpoint.version,
      input: { eventTypes: ['CustomerChanged'] },
    });
    expect(errorCodes(beyondKey)).toEqual(['FORBIDDEN']);
    const withinKey = await executeOk(url, UpdateWebhookEndpointDocument, {
      id: keysEndpoint.id,
      version: keysEndpoint.version,
      input: { eventTypes: ['OpportunityStageChanged', 'CustomerArchived'] },
    });
    expect(withinKey.updateWebhookEndpoint).toMatchObject({ eventTypes: ['OpportunityStageChanged', 'CustomerArchived'], version: keysEndpoint.version + 1 });
    const staffOnly = await execute(url, WebhookEndpointsDocument, {}, { authorization: (await platform.createStaff('SALES_REP')).authorization });
    expect(errorCodes(staffOnly)).toEqual(['FORBIDDEN']);
    await retire(admins.id);
    await retire(registered.registerWebhookEndpoint.endpoint.id);
  });

  it('stops sending to a key’s endpoint once the key is revoked', async () => {
    const [keysPartner, adminsPartner] = [new PartnerWebhookServer(), new PartnerWebhookServer()];
    await Promise.all([keysPartner.open(), adminsPartner.open()]);
    const key = await platform.createApiKey(['webhooks:manage', 'customers:read']);
    const input = { url: keysPartner.url(), eventTypes: ['CustomerArchived'] };
    const keys = (await executeOk(url, RegisterWebhookEndpointDocument, { input }, { authorization: key.authorization })).registerWebhookEndpoint.endpoint;
    const admins = (await register(adminsPartner, ['CustomerArchived'])).endpoint;
    const archive = async (name: string) => {
      const created = (await executeOk(url, CreateCustomerDocument, { input: { kind: 'PERSON', firstName: name, lastName: 'Gone', emails: [], phones: [] } }))
        .createCustomer;
      await executeOk(url, ArchiveCustomerDocument, { id: created.id, version: created.version });
      return created.id;
    };
    const before = await archive('Gil');
    await settle(() => {
      expect(keysPartner.about(before)).toHaveLength(1);
      return Promise.resolve();
    });

    await executeOk(url, RevokeApiKeyDocument, { id: key.id, version: key.version });
    const after = await archive('Hal');
    await settle(() => {
      expect(adminsPartner.about(after)).toHaveLength(1);
      return Promise.resolve();
    });
    expect(keysPartner.about(after)).toEqual([]);
    expect((await log(keys.id)).deliveries.totalCount).toBe(1);
    await retire(keys.id);
    await retire(admins.id);
    await Promise.all([keysPartner.close(), adminsPartner.close()]);
  });
});
