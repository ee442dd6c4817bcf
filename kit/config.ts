import { count, country, defineSettings, flag, oneOf, optionalText, optionalUrl, secret, text, timeZone, url } from './settings.js';

export type SubgraphName = 'identity' | 'sales' | 'marketing' | 'service';
export const SUBGRAPHS: readonly SubgraphName[] = ['identity', 'sales', 'marketing', 'service'];
export const DEFAULT_PORTS: Record<SubgraphName | 'gateway', number> = {
  gateway: 4000,
  identity: 4001,
  sales: 4002,
  marketing: 4003,
  service: 4004,
};

/** What every deployable of the platform reads (the gateway and each subgraph add their own groups). */
export const platformSettings = defineSettings('platform', {
  // A closed list: `Production` or `prod` would otherwise run as development, development issuer included.
  NODE_ENV: oneOf(['development', 'production', 'test'], 'development', 'production turns off GraphiQL, suggestions and the development issuer'),
  HOST: text('127.0.0.1', 'the address servers listen on (0.0.0.0 in containers)'),
  PLATFORM_SECRET: secret(32, 'signs calls between the gateway and the subgraphs; npm start generates one into .data/'),
  DATABASE_URL: optionalUrl("the PostgreSQL server; each subgraph's database is crm_<name> on it (npm start runs an embedded one without it)"),
  DATABASE_NAME_PREFIX: text('crm_', 'prefix of the databases on DATABASE_URL'),
  IDENTITY_DATABASE_URL: optionalUrl("identity's own database anywhere (instead of DATABASE_URL)"),
  SALES_DATABASE_URL: optionalUrl("sales' own database anywhere"),
  MARKETING_DATABASE_URL: optionalUrl("marketing's own database anywhere"),
  SERVICE_DATABASE_URL: optionalUrl("service's own database anywhere"),
  DB_POOL_MAX: count(3, 'connections each subgraph replica keeps to its own database for requests at most'),
  DB_BACKGROUND_POOL_MAX: count(
    2,
    "connections each subgraph replica keeps to its own database for background work at most (outbox relay, event consumers, jobs' tasks), apart from requests",
  ),
  BUS_POOL_MAX: count(1, 'connections each service keeps to the PostgreSQL event bus at most (each also LISTENs for new events)'),
  JOB_CONCURRENCY: count(
    1,
    'durable jobs (e.g. sending messages) each subgraph replica runs at once; the job queue holds this many + 1 connections (one LISTENs)',
  ),
  DB_PREPARED_STATEMENTS: flag(
    true,
    'the reads a request makes most are prepared once per connection (false behind PgBouncer before 1.22 in transaction mode)',
  ),
  DB_STATEMENT_TIMEOUT_MS: count(5000, 'a statement running longer is cancelled (TIMEOUT); 0: no limit'),
  EVENT_BUS: oneOf(['postgres', 'redis', 'nats'], 'postgres', 'the event bus: a PostgreSQL database (crm_events), a Redis stream or a NATS JetStream stream'),
  EVENTS_DATABASE_URL: optionalUrl("the bus's database anywhere (instead of crm_events on DATABASE_URL)"),
  REDIS_URL: url('redis://127.0.0.1:6379', 'Redis for EVENT_BUS=redis and RATE_LIMIT_STORE=redis'),
  NATS_URL: url('nats://127.0.0.1:4222', 'NATS with JetStream for EVENT_BUS=nats'),
  NATS_STREAM: text('CRM_EVENTS', 'the JetStream stream of EVENT_BUS=nats (letters, digits, _ and -); relay checkpoints go to <name>_RELAYED'),
  EVENT_RETENTION_HOURS: count(72, 'how long the bus keeps events (subscriptions resume within it)'),
  HTTP_KEEP_ALIVE_MS: count(65_000, 'how long an idle HTTP connection stays open'),
  DEFAULT_PHONE_COUNTRY: country('CZ', "phone numbers written without a +prefix are read as this country's (the dealer's market)"),
  DEALER_NAME: text('Car dealer', 'the dealer as customers know it: messages are signed with it, quotes headed with it'),
  DEALER_LANGUAGE: oneOf(['cs', 'pl', 'sk', 'en'], 'cs', 'the language of messages and quotes for customers whose own is not known or not one of these'),
  DEALER_TIME_ZONE: timeZone('Europe/Prague', "the dealer's time zone (IANA name): local times such as the follow-up call's default morning are in it"),
  NPS_DETRACTOR_FOLLOW_UP: oneOf(
    ['task', 'case'],
    'task',
    "what an NPS answer of 6 or less starts: a follow-up task for the customer's rep (sales) or a service case (service)",
  ),
  SEED_DEMO_DATA: flag(false, 'fill empty databases with the demo dealer (npm start does)'),
  RETENTION_CHECK_INTERVAL_MS: count(86_400_000, 'how often retention periods are applied'),
  GATEWAY_PORT: count(DEFAULT_PORTS.gateway, "the gateway's port"),
  PUBLIC_URL: optionalUrl("the platform's address as customers reach it, for links in messages (default http://localhost:GATEWAY_PORT)"),
  IDENTITY_PORT: count(DEFAULT_PORTS.identity, "identity's port"),
  SALES_PORT: count(DEFAULT_PORTS.sales, "sales' port"),
  MARKETING_PORT: count(DEFAULT_PORTS.marketing, "marketing's port"),
  SERVICE_PORT: count(DEFAULT_PORTS.service, "service's port"),
  IDENTITY_URL: optionalText('where identity answers (default http://localhost:IDENTITY_PORT/graphql)'),
  SALES_URL: optionalText('where sales answers'),
  MARKETING_URL: optionalText('where marketing answers'),
  SERVICE_URL: optionalText('where service answers'),
});

export const platform = () => platformSettings.read();
export const isProduction = () => platform().NODE_ENV === 'production';

/** PLATFORM_SECRET, which every service needs (checked at start-up). */
export function platformSecret(): string {
  const secret = platform().PLATFORM_SECRET;
  if (!secret) throw new Error('PLATFORM_SECRET is not set: give every service the same secret of at least 32 characters (npm start generates one)');
  return secret;
}

const upper = <N extends SubgraphName | 'gateway'>(name: N) => name.toUpperCase() as Uppercase<N>;

/**
 * The database a subgraph owns: `<NAME>_DATABASE_URL` moves it to any server;
 * otherwise it is `crm_<name>` (prefix from DATABASE_NAME_PREFIX) on the server of DATABASE_URL.
 */
export function databaseUrlFor(name: SubgraphName): string {
  const settings = platform();
  const own = settings[`${upper(name)}_DATABASE_URL`];
  if (own) return own;
  return databaseOnServer(`${settings.DATABASE_NAME_PREFIX}${name}`);
}

/** A database of the given name on the server of DATABASE_URL. */
export function databaseOnServer(database: string): string {
  const { DATABASE_URL } = platform();
  if (!DATABASE_URL) throw new Error('DATABASE_URL is not set: name the PostgreSQL server (npm start runs an embedded one)');
  const server = new URL(DATABASE_URL);
  server.pathname = `/${database}`;
  return server.toString();
}

export const portFor = (name: SubgraphName | 'gateway'): number => platform()[`${upper(name)}_PORT`];

/** Where customers reach the platform (the gateway), without a trailing slash: links to `/public/<subgraph>/…` start here. */
export const publicUrl = (): string => (platform().PUBLIC_URL ?? `http://localhost:${portFor('gateway')}`).replace(/\/+$/, '');

export const subgraphUrlFor = (name: SubgraphName): string => platform()[`${upper(name)}_URL`] ?? `http://localhost:${portFor(name)}/graphql`;
