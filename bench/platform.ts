/**
 * The platform under test, started the way `npm start` starts it: the compiled build (`npm run build`,
 * incremental), each subgraph and the gateway as its own process, an embedded PostgreSQL when DATABASE_URL is not
 * set. Everything here is the bench's own: a private embedded server (or databases under a bench-only
 * DATABASE_NAME_PREFIX on DATABASE_URL, dropped at the end), free ports, its own secret and development issuer.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { SUBGRAPHS } from '@crm/kit/config.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '@crm/kit/embedded-postgres.js';
import { createLogger } from '@crm/kit/logger.js';
import { COMPILED_FLAGS } from '../scripts/node-flags.js';
import { childrenOf, parentOf, type ProcessGroups } from './proc.js';

export type ServiceName = 'gateway' | (typeof SUBGRAPHS)[number];

export interface BenchPlatform {
  gatewayUrl: string;
  wsUrl: string;
  /** `Bearer <token>` of the demo ADMIN (development issuer). */
  adminAuthorization: string;
  adminName: string;
  /** The database of a subgraph (or `events`) on the bench's server. */
  databaseUrl(name: string): string;
  ports: Record<ServiceName, number>;
  /** The gateway's process and the port its inspector opens on SIGUSR1 (to collect garbage before reading memory). */
  gatewayInspector: { pid: number; port: number };
  /** The service processes and PostgreSQL's, for CPU accounting. */
  processes: ProcessGroups;
  /** Child processes' environment (a peer gateway gets the same secret and ports). */
  env: NodeJS.ProcessEnv;
  /** Where the services' logs go (left in place: the caller removes it after a good run). */
  logDir: string;
  /** Starts another process of the bench's; it is stopped with the platform. */
  spawnChild(name: string, args: string[], env?: NodeJS.ProcessEnv): ChildProcess;
  stop(): Promise<void>;
}

const HEALTH_TIMEOUT_MS = 180_000;
/** No limit of the gateway may shape what is measured: the bench calls as one admin far more than a person would. */
const UNLIMITED = {
  RATE_LIMIT_REQUESTS_PER_MINUTE: '100000000',
  RATE_LIMIT_COST_PER_MINUTE: '1000000000',
  RATE_LIMIT_SOCKETS_PER_CALLER: '1000000',
  RATE_LIMIT_SUBSCRIPTIONS_PER_SOCKET: '1000',
};

export async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Stops a child process with SIGTERM, and SIGKILL if it has not exited `graceMs` later; at once if it has exited. */
export async function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** `npm run build` as `npm start` runs it (incremental: seconds when little changed). */
export async function build(): Promise<void> {
  const child = spawn('npm', ['run', '--silent', 'build'], { stdio: ['ignore', 'inherit', 'inherit'] });
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error('npm run build failed (see above)');
}

/** `onStop` gets the way to stop it at once, before it has started (Ctrl-C while it starts). */
export async function startBenchPlatform(
  say: (line: string) => void,
  onStop: (stop: () => Promise<void>) => void,
  options: { profileDir?: string } = {},
): Promise<BenchPlatform> {
  const work = await mkdtemp(path.join(tmpdir(), 'crm-bench-'));
  // Kept when the bench fails (it names the folder); the bench removes it after a good run.
  const logDir = await mkdtemp(path.join(tmpdir(), 'crm-bench-logs-'));
  const children = new Map<string, ChildProcess>();
  let embedded: EmbeddedDatabase | undefined;
  let server = process.env.DATABASE_URL;
  const embeddedDir = path.join(tmpdir(), `crm-bench-pg-${process.pid}`);
  // A prefix no other data uses: the bench creates these databases and drops them when it ends.
  const prefix = `crm_bench${randomBytes(3).toString('hex')}_`;
  const databaseUrl = (name: string) => Object.assign(new URL(server!), { pathname: `/${prefix}${name}` }).toString();

  let stopped = false;
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= stopAll());
  const stopAll = async () => {
    stopped = true;
    await Promise.all([...children.values()].map((child) => stopChild(child, 10_000)));
    if (server && !embedded) await dropDatabases(server, prefix).catch((error: unknown) => say(`could not drop the bench databases: ${String(error)}`));
    if (embedded) await embedded.stop().catch(() => undefined);
    await rm(embeddedDir, { recursive: true, force: true });
    await rm(work, { recursive: true, force: true });
  };
  onStop(stop);

  try {
    if (!server) {
      const port = await freePort();
      say(`embedded PostgreSQL on port ${port} (set DATABASE_URL to use another server)`);
      embedded = await startEmbeddedPostgres({ dataDir: embeddedDir, port, log: createLogger('bench-db', { level: 'warn' }) });
      server = embedded.url;
    }
    const dbServer = server;
    const ports = Object.fromEntries(await Promise.all((['gateway', ...SUBGRAPHS] as const).map(async (name) => [name, await freePort()]))) as Record<
      ServiceName,
      number
    >;
    const env: NodeJS.ProcessEnv = {
      ...withoutPlatformOverrides(process.env),
      ...UNLIMITED,
      NODE_ENV: 'development',
      DATABASE_URL: dbServer,
      DATABASE_NAME_PREFIX: prefix,
      PLATFORM_SECRET: randomBytes(32).toString('hex'),
      SEED_DEMO_DATA: 'true',
      DEV_ISSUER_DIR: path.join(work, 'dev-issuer'),
      ...Object.fromEntries(Object.entries(ports).map(([name, port]) => [`${name.toUpperCase()}_PORT`, String(port)])),
    };
    const spawnChild = (name: string, args: string[], extraEnv: NodeJS.ProcessEnv = {}) => {
      if (stopped) throw new Error('the bench is stopping');
      // Straight into a file, as `npm start`'s terminal would take it: a pipe read by the bench (busy generating load)
      // would make the services wait on their own logging.
      const log = openSync(path.join(logDir, `${name}.log`), 'a');
      const child = spawn(process.execPath, args, { env: { ...env, ...extraEnv }, stdio: ['ignore', log, log] });
      closeSync(log);
      children.set(name, child);
      return child;
    };
    const inspectorPort = await freePort();
    const launch = async (name: ServiceName, entry: string) => {
      // --profile: each service writes a CPU profile (open it in Chrome DevTools) when it stops.
      const profile = options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(options.profileDir)}`, `--cpu-prof-name=${name}.cpuprofile`] : [];
      // Only where the inspector would listen if it were opened (SIGUSR1): nothing runs until the memory figure asks.
      const inspect = name === 'gateway' ? [`--inspect-port=127.0.0.1:${inspectorPort}`] : [];
      const child = spawnChild(name, [...profile, ...inspect, ...COMPILED_FLAGS, `dist/${entry}.js`]);
      await waitHealthy(name, child, `http://127.0.0.1:${ports[name]}/health`, logDir);
    };
    say(`starting ${SUBGRAPHS.join(', ')} and the gateway from the build (logs: ${logDir})`);
    await Promise.all(SUBGRAPHS.map((name) => launch(name, `subgraphs/${name}/src/main`)));
    await launch('gateway', 'gateway/main');

    const gatewayUrl = `http://127.0.0.1:${ports.gateway}/graphql`;
    const users = (await (await fetch(`http://127.0.0.1:${ports.gateway}/dev-issuer/demo-users`)).json()) as Array<{
      name: string;
      role: string;
      token: string;
    }>;
    const admin = users.find((user) => user.role === 'ADMIN');
    if (!admin) throw new Error('the development issuer lists no demo ADMIN');
    const postmaster = embedded ? await postmasterPid(dbServer) : null;
    return {
      gatewayUrl,
      wsUrl: gatewayUrl.replace(/^http/, 'ws'),
      adminAuthorization: `Bearer ${admin.token}`,
      adminName: admin.name,
      databaseUrl,
      ports,
      gatewayInspector: { pid: children.get('gateway')!.pid!, port: inspectorPort },
      env,
      logDir,
      spawnChild,
      processes: {
        services: Object.fromEntries([...children].map(([name, child]) => [name, child.pid!])),
        // The embedded server is the bench's alone: all of it counts. On a shared server, the backends of the bench's databases.
        postgres: () => (postmaster ? childrenOf(postmaster).then((pids) => [postmaster, ...pids]) : backendsOf(dbServer, prefix)),
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Settings that would point a service at something other than the bench's own databases, ports and issuer. */
function withoutPlatformOverrides(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const copy = { ...env };
  for (const key of Object.keys(copy)) {
    if (/^(IDENTITY|SALES|MARKETING|SERVICE|EVENTS)_(DATABASE_URL|URL)$/.test(key) || /^AUTH_(ISSUER|JWKS_URL)$/.test(key)) delete copy[key];
  }
  return copy;
}

/**
 * Waits until `probe` answers true, asking every `intervalMs`; false when `child` exits first or `timeoutMs` passes. The
 * one readiness wait of the bench's processes (the platform's services, the peer, the floors).
 */
export async function untilReady(child: ChildProcess, probe: () => Promise<boolean>, timeoutMs: number, intervalMs = 250): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) return false;
    if (await probe().catch(() => false)) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

async function waitHealthy(name: string, child: ChildProcess, url: string, logDir: string): Promise<void> {
  if (await untilReady(child, () => fetch(url).then((r) => r.ok), HEALTH_TIMEOUT_MS)) return;
  if (child.exitCode !== null || child.signalCode !== null) {
    const tail = await readFile(path.join(logDir, `${name}.log`), 'utf8').catch(() => '');
    throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${tail.split('\n').slice(-15).join('\n')}`);
  }
  throw new Error(`${name} did not become healthy at ${url} within ${HEALTH_TIMEOUT_MS / 1000} s`);
}

async function withAdmin<T>(server: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: Object.assign(new URL(server), { pathname: '/postgres' }).toString() });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const postmasterPid = (server: string) =>
  withAdmin(server, async (client) => parentOf(Number((await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid)));

const backendsOf = (server: string, prefix: string) =>
  withAdmin(server, async (client) => {
    const { rows } = await client.query<{ pid: number }>('select pid from pg_stat_activity where starts_with(datname, $1)', [prefix]);
    return rows.map((row) => Number(row.pid));
  });

async function dropDatabases(server: string, prefix: string): Promise<void> {
  await withAdmin(server, async (client) => {
    const { rows } = await client.query<{ datname: string }>('select datname from pg_database where starts_with(datname, $1)', [prefix]);
    for (const { datname } of rows) await client.query(`drop database if exists "${datname}" with (force)`);
  });
}
