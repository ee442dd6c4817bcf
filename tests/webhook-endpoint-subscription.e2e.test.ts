import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'graphql';
import type { Client } from 'graphql-ws';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { readAll } from '@crm/kit/bus/event-bus.js';
import { ArchiveCustomerDocument, CreateCustomerDocument, RegisterWebhookEndpointDocument, ResumeWebhookEndpointDocument } from './generated/graphql.js';
import { eventually } from './helpers/eventually.js';
import { executeOk } from './helpers/graphql.js';
import { PartnerWebhookServer } from './helpers/partner-webhook-server.js';
import { startPlatform, type Platform } from './helpers/platform.js';
import { connect, subscribe, type Subscriber } from './helpers/subscriptions.js';

// A failing webhook endpoint is paused and its owner told (issue 13, point 4): the owner follows
// webhookEndpointChanged with the stock graphql-ws client. As in webhooks.e2e.test.ts, the partner is on 127.0.0.1
// and an endpoint failing 8 times over 3 s (retries about a second apart) is paused.
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

const clients: Client[] = [];
const client = (authorization: string) => {
  const created = connect(platform.wsUrl, authorization);
  clients.push(created);
  return created;
};
afterAll(() => Promise.all(clients.map((c) => c.dispose())));

type Change = {
  webhookEndpointChanged: {
    event: { type: string; cursor: string };
    change: string;
    reason: string | null;
    endpoint: { id: string; status: string; pausedReason: string | null; consecutiveFailures: number; version: number } | null;
  };
};
const ENDPOINT_CHANGES = parse(
  `subscription($id: ID, $after: String) { webhookEndpointChanged(id: $id, after: $after) {
    event { type cursor } change reason endpoint { id status pausedReason consecutiveFailures version } } }`,
) as TypedDocumentNode<Change, { id?: string; after?: string }>;

const changesOf = (subscriber: Subscriber<Change>) => subscriber.results.map((r) => r.data?.webhookEndpointChanged);

describe('webhookEndpointChanged', () => {
  it('tells the owner (its key, and an admin) that a failing endpoint was paused and why, resumed by cursor; never another key', async () => {
    const partner = new PartnerWebhookServer();
    partner.answer = 'error';
    await partner.open();
    const scopes = ['webhooks:manage', 'customers:read', 'events:subscribe'];
    const [key, otherKey] = [await platform.createApiKey(scopes), await platform.createApiKey(scopes)];
    // Any cursor will do (the keys' creation): replaying from it, each subscriber is told only of webhook endpoints.
    const start = await eventually(async () => (await platform.bus.head()) ?? Promise.reject(new Error('the bus is still empty')));
    const input = { url: partner.url(), eventTypes: ['CustomerArchived'] };
    const registered = (await executeOk(url, RegisterWebhookEndpointDocument, { input }, { authorization: key.authorization })).registerWebhookEndpoint;
    const id = registered.endpoint.id;

    const admins = subscribe(client(platform.admin.authorization), ENDPOINT_CHANGES, { id, after: start });
    const others = subscribe(client(otherKey.authorization), ENDPOINT_CHANGES, { after: start });
    // The key hears of its registration, then stops listening before the endpoint fails.
    const live = subscribe(client(key.authorization), ENDPOINT_CHANGES, { after: start });
    const [first] = await live.waitFor(1);
    expect(first!.data!.webhookEndpointChanged).toMatchObject({ change: 'REGISTERED', reason: null, endpoint: { id } });
    await live.close();

    const customer = (await executeOk(url, CreateCustomerDocument, { input: { kind: 'PERSON', firstName: 'Ida', lastName: 'Paused', emails: [], phones: [] } }))
      .createCustomer;
    await executeOk(url, ArchiveCustomerDocument, { id: customer.id, version: customer.version });

    // Back after the pause: resumed from the last cursor it received, it gets the pause with its reason.
    const resumed = subscribe(client(key.authorization), ENDPOINT_CHANGES, { after: first!.data!.webhookEndpointChanged.event.cursor });
    const [paused] = await resumed.waitFor(1, 40_000);
    const reason = expect.stringMatching(/failed in a row.*answered 500/);
    expect(paused!.data!.webhookEndpointChanged).toMatchObject({ change: 'PAUSED', reason, endpoint: { id, status: 'PAUSED', pausedReason: reason } });
    expect(paused!.data!.webhookEndpointChanged.endpoint!.consecutiveFailures).toBeGreaterThanOrEqual(8);
    // The admin, following this endpoint live, hears the same.
    await admins.waitFor(2, 15_000);
    expect(changesOf(admins).map((c) => [c?.change, c?.reason])).toEqual([
      ['REGISTERED', null],
      ['PAUSED', reason],
    ]);

    // The owner resumes it: told too, and the endpoint reads ACTIVE.
    await executeOk(
      url,
      ResumeWebhookEndpointDocument,
      { id, version: paused!.data!.webhookEndpointChanged.endpoint!.version },
      { authorization: key.authorization },
    );
    const [, back] = await resumed.waitFor(2);
    expect(back!.data!.webhookEndpointChanged).toMatchObject({ change: 'RESUMED', endpoint: { id, status: 'ACTIVE' } });

    // Another key hears nothing of it: the first thing it is told is its own registration, made after all of the above.
    const own = (await executeOk(url, RegisterWebhookEndpointDocument, { input }, { authorization: otherKey.authorization })).registerWebhookEndpoint;
    await others.waitFor(1);
    expect(changesOf(others).map((c) => [c?.change, c?.endpoint?.id])).toEqual([['REGISTERED', own.endpoint.id]]);

    // The bus carries the endpoint's state, never its signing secret.
    for await (const event of readAll(platform.bus, start)) {
      if (event.type.startsWith('WebhookEndpoint')) expect(JSON.stringify(event.payload)).not.toMatch(/whsec_|secret/i);
    }
    expect(JSON.stringify(registered)).toContain('whsec_');
    await partner.close();
  });

  it('is refused to staff who may not manage webhooks', async () => {
    const rep = await platform.createStaff('SALES_REP');
    const refused = subscribe(client(rep.authorization), ENDPOINT_CHANGES, {});
    const outcome = await Promise.race([refused.waitFor(1).then(([result]) => result!.errors), refused.failure]);
    expect((outcome as Array<{ extensions?: { code?: unknown } }>).map((error) => error.extensions?.code)).toEqual(['FORBIDDEN']);
  });
});
