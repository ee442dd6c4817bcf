import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { platform as platformSettings } from '@crm/kit/config.js';
import { startSubgraph, type RunningSubgraph } from '@crm/kit/subgraph.js';
import { subgraphs } from '../scripts/subgraphs.js';
import { CreateActivityDocument, CreateCustomerDocument, OpportunitiesDocument } from './generated/graphql.js';
import { execute, executeOk } from './helpers/graphql.js';
import { eventually } from './helpers/eventually.js';
import { startPlatform, type Platform } from './helpers/platform.js';

// A write naming a customer asks identity whether it exists (ADR 16). It asks before its transaction opens, so no
// database connection is held while identity answers: when identity is slow, a subgraph's few pooled connections
// (DB_POOL_MAX, 3 by default) must not all sit in mutations waiting for it while every read queues behind them.
// Here identity's answers to a second sales instance are held back until the test lets them go.

let platform: Platform;
let sales: RunningSubgraph;
let gatewayUrl: string;
let customerId: string;
const held: Array<() => void> = [];
let holding = true;
let heldIdentity: http.Server;

beforeAll(async () => {
  platform = await startPlatform();
  const identityUrl = new URL(platform.subgraphs.identity.url);
  // Forwards to identity, but keeps each request waiting while `holding` (as an overloaded identity would).
  heldIdentity = http.createServer((request, response) => {
    const forward = () => {
      const upstream = http.request(
        { host: identityUrl.hostname, port: identityUrl.port, path: request.url, method: request.method, headers: request.headers },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
        },
      );
      request.pipe(upstream);
    };
    if (holding) held.push(forward);
    else forward();
  });
  await new Promise<void>((resolve) => heldIdentity.listen(0, '127.0.0.1', resolve));
  const heldUrl = `http://127.0.0.1:${(heldIdentity.address() as AddressInfo).port}${identityUrl.pathname}`;
  sales = await startSubgraph(subgraphs.sales, {
    databaseUrl: String(platform.subgraphs.sales.orm.config.get('clientUrl')),
    port: 0,
    seed: false,
    bus: platform.bus,
    subgraphUrl: (other) => (other === 'identity' ? heldUrl : platform.subgraphs[other].url),
  });
  gatewayUrl = (await platform.startGateway({ subgraphUrls: { sales: sales.url } })).url;
  holding = false;
  const { createCustomer } = await executeOk(platform.gatewayUrl, CreateCustomerDocument, {
    input: { kind: 'PERSON', firstName: 'Pomalá', lastName: 'Identita', emails: ['pomala@identita.example'], phones: [] },
  });
  customerId = createCustomer.id;
  holding = true;
}, 120_000);

afterAll(async () => {
  holding = false;
  held.splice(0).forEach((forward) => forward());
  await sales?.stop();
  await new Promise((resolve) => heldIdentity?.close(resolve));
  await platform?.stop();
});

/**
 * Connections of sales' request pools inside a transaction. Not the background pools': the outbox relay and the
 * consumers open short transactions of their own at any time (CI once caught the relay's between two statements).
 */
const inTransaction = async () => {
  const [row] = await platform.subgraphs.sales.orm.em
    .fork()
    .getConnection()
    .execute<Array<{ n: number }>>(
      `select count(*)::int as n from pg_stat_activity where datname = current_database() and application_name = 'crm-sales' and state like 'idle in transaction%'`,
    );
  return row!.n;
};

describe('a write waiting for identity', () => {
  it('holds no database connection meanwhile, so reads of its subgraph still answer', async () => {
    const writers = platformSettings().DB_POOL_MAX + 2;
    const writes = Array.from({ length: writers }, (_, i) =>
      execute(gatewayUrl, CreateActivityDocument, { input: { type: 'CALL', subject: `Held call ${i}`, customerId } }),
    );
    // Every write has reached its identity check, and is waiting there.
    await eventually(async () => expect(held.length).toBe(writers));
    expect(await inTransaction()).toBe(0);
    // A read of sales answers meanwhile (before, it queued behind the transactions holding the whole pool).
    const read = await execute(gatewayUrl, OpportunitiesDocument, { first: 1 });
    expect(read.errors).toBeUndefined();

    holding = false;
    held.splice(0).forEach((forward) => forward());
    const answers = await Promise.all(writes);
    expect(answers.map((answer) => answer.errors)).toEqual(answers.map(() => undefined));
    expect(answers.map((answer) => answer.data?.createActivity.customer?.id)).toEqual(answers.map(() => customerId));
  }, 120_000);
});
