import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { SUBGRAPHS, type SubgraphName } from '@crm/kit/config.js';
import { startSubgraph, type PlatformAdapters, type RunningSubgraph } from '@crm/kit/subgraph.js';
import { requestScope } from '@crm/kit/context.js';
import { createLogger } from '@crm/kit/logger.js';
import { createGateway } from '../../gateway/app.js';
import type { GatewayConfig } from '../../gateway/config.js';
import { subgraphs } from '../../scripts/subgraphs.js';
import type { EventBus } from '@crm/kit/bus/index.js';
import { createPostgresBus } from '@crm/kit/bus/postgres-bus.js';
import type { Role } from '@crm/kit/access/permissions.js';
import { User, type StaffRole } from '../../subgraphs/identity/src/modules/staff/user.entity.js';
import type { DevIssuer } from '../../gateway/auth/dev-issuer.js';
import { WebForm } from '../../subgraphs/sales/src/modules/intake/web-form.entity.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setDefaultAuthorization } from './credentials.js';
import { dropDatabases } from './subgraph-database.js';
import { createGraphClient } from '@crm/kit/graph-client.js';
import { RecordingChannel } from '../../subgraphs/marketing/src/modules/messaging/outbound.channel.js';
import type { MarketingAdapters } from '../../subgraphs/marketing/src/app.js';

// The secret the platform's services sign their internal tokens with; one per test process.
process.env.PLATFORM_SECRET ??= randomBytes(32).toString('hex');
// Every test posts its web forms from 127.0.0.1; the throttling test sets its own limits.
process.env.WEB_FORM_LIMIT_PER_ADDRESS_PER_MINUTE ??= '10000';
process.env.WEB_FORM_LIMIT_PER_FORM_PER_MINUTE ??= '10000';
// Request pools larger than the default 3 (kit/config.ts, ADR 12): jest's two workers run two platforms and a browser
// on CI's two cores, and under that load keep-alive.e2e's bursts of 150 concurrent 360° queries overran the gateway's
// 15 s deadline at 3 connections a subgraph. Two platforms at 5 hold at most 2 × 37 of PostgreSQL's 100. The
// benchmark's smoke test runs the defaults and fails above 30 connections.
process.env.DB_POOL_MAX ??= '5';

/** Another gateway on the platform's subgraphs: its bus, where it reaches the subgraphs, whom it trusts, its limits. */
export interface GatewayOptions {
  bus?: EventBus;
  subgraphUrls?: Partial<Record<SubgraphName, string>>;
  auth?: GatewayConfig['auth'];
  limits?: GatewayConfig['limits'];
  rateLimits?: GatewayConfig['rateLimits'];
  /** Express's `trust proxy` (TRUST_PROXY): whose X-Forwarded-For names the client. */
  trustProxy?: GatewayConfig['trustProxy'];
}

/** A member of staff the test made, signed in through the development issuer. */
export interface StaffMember {
  id: string;
  subject: string;
  /** `Bearer <token>` for the Authorization header or connectionParams. */
  authorization: string;
}

export interface RunningGateway {
  url: string;
  wsUrl: string;
  stop(): Promise<void>;
}

export interface Platform {
  /** Where marketing's messages to customers went (its outbound channel in tests). */
  outbound: RecordingChannel;
  gatewayUrl: string;
  wsUrl: string;
  bus: EventBus;
  /**
   * Another gateway instance on the same subgraphs and bus (scale-out). `subgraphUrls` makes it reach some
   * subgraphs elsewhere (e.g. through a proxy in front of them).
   */
  startGateway(options?: GatewayOptions): Promise<RunningGateway>;
  /** A new connection to the platform's event bus (e.g. to give a gateway its own, to count what it reads). */
  connectBus(): Promise<EventBus>;
  subgraphs: Record<SubgraphName, RunningSubgraph>;
  /** SQL statements each subgraph ran since the last reset. */
  sql: Record<SubgraphName, string[]>;
  /** Clears the per-subgraph logs of SQL statements run while serving requests. */
  resetSqlLog(): Promise<void>;
  /** The development issuer the gateways trust (a foreign issuer's tokens must be refused). */
  issuer: DevIssuer;
  /** The admin every request is made as unless a test names another caller. */
  admin: StaffMember;
  /** The public key of a web form the tests post leads with. */
  webFormKey: string;
  /** A new member of staff with this role (and support lines), and a token for them. */
  createStaff(role: Role, options?: { supportLines?: string[]; name?: string }): Promise<StaffMember>;
  /** A partner's API key with these scopes, made by the admin through the graph: its id and `Bearer <secret>`. */
  createApiKey(scopes: string[], options?: { allowedCidrs?: string[]; name?: string }): Promise<{ id: string; version: number; authorization: string }>;
  /** Calls a subgraph directly as the platform itself (its plumbing operations, which clients cannot call). */
  internal<T = unknown>(subgraph: SubgraphName, query: string, variables?: Record<string, unknown>): Promise<T>;
  stopSubgraph(name: SubgraphName): Promise<void>;
  /** Starts a stopped subgraph again on its database and its port (the gateways still point there). */
  restartSubgraph(name: SubgraphName): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The real platform in this test process: four subgraphs on their own fresh databases
 * (on DATABASE_URL's server) and the gateway over HTTP on free ports.
 */
export async function startPlatform(
  options: {
    seed?: boolean;
    maxStallMs?: number;
    /** How often the gateway pings subscription sockets (the gateway's default otherwise). */
    subscriptionKeepAliveMs?: number;
    /** The server the subgraphs' databases are on (DATABASE_URL's by default). */
    databaseServer?: string;
    /** The PostgreSQL bus's server, when it differs (e.g. direct while the subgraphs go through PgBouncer). */
    eventsDatabaseServer?: string;
    subgraphIdleSocketMs?: number;
    keepAliveMs?: number;
    /** Marketing's adapters instead of the recording e-mail channel (e.g. SMTP to a test server, a clock). */
    marketing?: Partial<MarketingAdapters & PlatformAdapters>;
  } = {},
): Promise<Platform> {
  // Marketing messages go whatever the hour of the test run: quiet hours are tested where a test sets them.
  process.env.QUIET_HOURS ??= 'off';
  const prefix = `crm_t${randomBytes(4).toString('hex')}_`;
  const server = new URL(options.databaseServer ?? process.env.DATABASE_URL!);
  const urlOf = (name: string, on = server) => Object.assign(new URL(on), { pathname: `/${prefix}${name}` }).toString();
  const eventsServer = new URL(options.eventsDatabaseServer ?? server);
  const eventsUrl = urlOf('events', eventsServer);
  const bus = await createPostgresBus(eventsUrl);
  const sql = Object.fromEntries(SUBGRAPHS.map((n) => [n, [] as string[]])) as Record<SubgraphName, string[]>;

  // Filled once all have started; subgraphs ask each other's URLs only later (consumer rebuilds).
  const running = {} as Record<SubgraphName, RunningSubgraph>;
  const outbound = new RecordingChannel();
  const start = (name: SubgraphName, port: number) =>
    startSubgraph(subgraphs[name], {
      // Marketing's outbound channel: one the tests read (the subgraphs are typed alike here, hence the cast).
      adapters: (name === 'marketing' ? { outbound, ...options.marketing } : {}) as Partial<PlatformAdapters>,
      databaseUrl: urlOf(name),
      port,
      seed: options.seed ?? false,
      // Only what requests run: the relay, consumers and jobs work in the background at their own pace.
      // (and not the platform's own calls, e.g. the gateway looking up who is calling).
      onQuery: (statement) => {
        const scope = requestScope.getStore();
        if (scope && !scope.byPlatform) sql[name].push(statement);
      },
      bus,
      subgraphUrl: (other) => running[other].url,
      keepAliveMs: options.keepAliveMs,
    });
  // All four or none: a subgraph that cannot start (e.g. the server is out of connections) must not leave the
  // others running, with their jobs and consumers, into the next test file.
  const started = await Promise.allSettled(SUBGRAPHS.map(async (name) => [name, await start(name, 0)] as const));
  const failed = started.find((outcome) => outcome.status === 'rejected');
  if (failed) {
    await Promise.all(started.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value[1].stop() : undefined)));
    await bus.close();
    throw failed.reason;
  }
  Object.assign(running, Object.fromEntries(started.map((outcome) => (outcome as PromiseFulfilledResult<readonly [SubgraphName, RunningSubgraph]>).value)));

  const devIssuerDir = await mkdtemp(path.join(tmpdir(), 'crm-dev-issuer-'));
  const gateways: RunningGateway[] = [];
  let issuer: DevIssuer | undefined;
  const startGateway = async (gatewayOptions: GatewayOptions = {}): Promise<RunningGateway> => {
    const gateway = await createGateway(
      {
        port: 0,
        supergraph: 'file',
        supergraphPath: 'schema/supergraph.graphql',
        subgraphUrls: Object.fromEntries(SUBGRAPHS.map((n) => [n, gatewayOptions.subgraphUrls?.[n] ?? running[n].url])) as Record<SubgraphName, string>,
        maxStallMs: options.maxStallMs ?? 30_000,
        keepAliveMs: options.subscriptionKeepAliveMs,
        subgraphIdleSocketMs: options.subgraphIdleSocketMs ?? 30_000,
        auth: gatewayOptions.auth ?? { devIssuerDir, audience: 'crm-api' },
        limits: gatewayOptions.limits,
        // Tests call as one admin far more often than a person would; the rate-limit tests set their own.
        rateLimits: gatewayOptions.rateLimits ?? {
          requestsPerMinute: 1e6,
          costPerMinute: 1e9,
          anonymousRequestsPerMinute: 1e6,
          socketsPerCaller: 10_000,
          subscriptionsPerSocket: 1000,
        },
        trustProxy: gatewayOptions.trustProxy ?? false,
      },
      createLogger('gateway'),
      { bus: gatewayOptions.bus ?? bus },
    );
    await new Promise<void>((resolve) => gateway.httpServer.listen(0, resolve));
    const port = (gateway.httpServer.address() as AddressInfo).port;
    const instance = { url: `http://localhost:${port}/graphql`, wsUrl: `ws://localhost:${port}/graphql`, stop: gateway.stop };
    gateways.push(instance);
    issuer ??= gateway.devIssuer!;
    if (signedIn.admin) setDefaultAuthorization(instance.url, signedIn.admin.authorization);
    return instance;
  };
  // Gateways started after the admin exists call as the admin by default.
  const signedIn: { admin?: StaffMember } = {};
  const first = await startGateway();
  const createStaff = async (role: Role, staffOptions: { supportLines?: string[]; name?: string } = {}): Promise<StaffMember> => {
    const subject = `test|${randomBytes(6).toString('hex')}`;
    const em = running.identity.orm.em.fork();
    const user = em.create(User, {
      name: staffOptions.name ?? `${role} ${subject.slice(5)}`,
      email: `${subject.slice(5)}@staff.example`,
      role: role as StaffRole,
      subject,
      supportLines: staffOptions.supportLines ?? [],
    });
    await em.flush();
    return { id: user.id, subject, authorization: `Bearer ${await issuer!.mint(subject, 'crm-api')}` };
  };
  const admin = await createStaff('ADMIN', { name: 'Test Admin' });
  signedIn.admin = admin;
  setDefaultAuthorization(first.url, admin.authorization);
  const salesEm = running.sales.orm.em.fork();
  const webFormKey = salesEm.create(WebForm, { name: 'Test form', publicKey: `wf_test_${randomBytes(6).toString('hex')}` }).publicKey;
  await salesEm.flush();
  const stopped = new Set<SubgraphName>();

  return {
    outbound,
    gatewayUrl: first.url,
    wsUrl: first.wsUrl,
    bus,
    issuer: issuer!,
    admin,
    webFormKey,
    createStaff,
    createApiKey: async (scopes, keyOptions = {}) => {
      const response = await fetch(first.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: admin.authorization },
        body: JSON.stringify({
          query: 'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id version } } }',
          variables: { input: { name: keyOptions.name ?? 'Test partner', scopes, allowedCidrs: keyOptions.allowedCidrs ?? [] } },
        }),
      });
      const body = (await response.json()) as { data?: { createApiKey: { secret: string; apiKey: { id: string; version: number } } }; errors?: unknown };
      if (!body.data) throw new Error(`createApiKey failed: ${JSON.stringify(body.errors)}`);
      return { ...body.data.createApiKey.apiKey, authorization: `Bearer ${body.data.createApiKey.secret}` };
    },
    internal: (subgraph, query, variables) => createGraphClient((name) => running[name].url, 'test').query(subgraph, query, variables),
    startGateway,
    connectBus: () => createPostgresBus(eventsUrl),
    subgraphs: running,
    sql,
    resetSqlLog: async () => {
      SUBGRAPHS.forEach((n) => sql[n].splice(0));
    },
    stopSubgraph: async (name) => {
      stopped.add(name);
      await running[name].stop();
    },
    restartSubgraph: async (name) => {
      running[name] = await start(name, Number(new URL(running[name].url).port));
      stopped.delete(name);
    },
    stop: async () => {
      await Promise.all(gateways.map((g) => g.stop()));
      await Promise.all(SUBGRAPHS.filter((n) => !stopped.has(n)).map((n) => running[n].stop()));
      await bus.close();
      await dropDatabases(
        server,
        SUBGRAPHS.map((n) => `${prefix}${n}`),
      );
      await dropDatabases(eventsServer, [`${prefix}events`]);
      await rm(devIssuerDir, { recursive: true, force: true });
    },
  };
}
