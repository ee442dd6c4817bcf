import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { DEMO } from '@crm/demo/ids.js';
import { Customer360Document } from './generated/graphql.js';
import { execute } from './helpers/graphql.js';
import { eventually } from './helpers/eventually.js';
import { RUNTIME_FLAGS } from '../scripts/node-flags.js';

// Below the ephemeral port range (32768+), so no port another test opened with port 0 can collide.
const base = 20000 + (process.pid % 1000) * 6;
const ports = { gateway: base, identity: base + 1, sales: base + 2, marketing: base + 3, service: base + 4, postgres: base + 5 };
const dataDir = path.join(tmpdir(), `crm-start-e2e-${process.pid}`);
let started: ChildProcess | undefined;
afterAll(async () => {
  // A failed assertion must not leave the platform running (its ports would fail the next run).
  if (started && started.exitCode === null && started.signalCode === null) {
    started.kill('SIGINT');
    await once(started, 'exit');
  }
  await rm(dataDir, { recursive: true, force: true });
});

/** The local addresses listening on `port` (/proc/net/tcp and tcp6, state 0A; 127.0.0.1 is 0100007F). */
const listenAddresses = async (port: number) => {
  const suffix = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const tables = await Promise.all(['/proc/net/tcp', '/proc/net/tcp6'].map((file) => readFile(file, 'utf8').catch(() => '')));
  return tables
    .flatMap((table) => table.split('\n').slice(1))
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields[3] === '0A' && fields[1]?.endsWith(suffix))
    .map((fields) => fields[1]!.slice(0, -suffix.length));
};

const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

describe('npm start on a machine with no database configured', () => {
  it('boots embedded PostgreSQL, migrates, seeds, serves the gateway, and stops everything on Ctrl-C', async () => {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      EMBEDDED_PG_DIR: dataDir,
      EMBEDDED_PG_PORT: String(ports.postgres),
      GATEWAY_PORT: String(ports.gateway),
      IDENTITY_PORT: String(ports.identity),
      SALES_PORT: String(ports.sales),
      MARKETING_PORT: String(ports.marketing),
      SERVICE_PORT: String(ports.service),
      LOG_LEVEL: 'info',
      NODE_ENV: 'development',
      DEV_ISSUER_DIR: path.join(dataDir, 'dev-issuer'),
      PLATFORM_SECRET: 'start-e2e-platform-secret-of-at-least-32-characters',
    };
    delete env.DATABASE_URL;
    const child = spawn(process.execPath, ['--import', '@swc-node/register/esm-register', 'scripts/start.ts'], { env });
    started = child;
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // Until it is ready, or has exited (then the expectation below fails at once, showing its output).
    await eventually(async () => {
      if (child.exitCode === null) expect(output).toContain('Customer platform ready');
    }, 150_000);
    expect(output).toContain(`Customer platform ready: http://localhost:${ports.gateway}/graphql`);
    // It runs what production runs: the compiled build, not TypeScript through a loader.
    expect(output).toContain('compiling (npm run build');

    const gatewayUrl = `http://localhost:${ports.gateway}/graphql`;
    // A ready token for each demo user, one per role, printed by the development issuer.
    await eventually(async () => expect(output.match(/Authorization: Bearer eyJ\S+/g)).toHaveLength(6));
    const admin = /ADMIN\s+.*\n\s+Authorization: (Bearer \S+)/.exec(output)![1]!;
    const anonymous = await fetch(gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ customers(first: 1) { totalCount } }' }),
    });
    expect(anonymous.status).toBe(401);
    const result = await execute(
      gatewayUrl,
      Customer360Document,
      { id: DEMO.customers.janNovak, timelineFirst: 50 },
      { 'x-request-id': 'start-e2e-request-42', authorization: admin },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.customer.displayName).toBe('Jan Novák');
    expect(result.data?.customer.opportunities?.edges[0]?.node.stage).toBe('First offer sent');
    expect(result.data?.customer.interactions?.edges.map((e) => e.node.type)).toContain('CALL');

    // Every service reaches the embedded server through its Unix socket: no session of the platform's databases
    // came over TCP (inet_client_addr is null for a socket's), the ORM's pools included.
    const server = new pg.Client({ connectionString: `postgres://postgres:postgres@127.0.0.1:${ports.postgres}/postgres` });
    await server.connect();
    try {
      const { rows } = await server.query<{ over: string; sessions: number }>(
        `select case when client_addr is null then 'socket' else 'tcp' end as over, count(*)::int as sessions
           from pg_stat_activity where starts_with(datname, 'crm_') and backend_type = 'client backend' group by 1`,
      );
      expect(rows).toEqual([{ over: 'socket', sessions: expect.any(Number) }]);
    } finally {
      await server.end();
    }

    // The request id travelled from the gateway to every subgraph's log (once their log lines have arrived).
    await eventually(async () => {
      const logged = output.split('\n').filter((line) => line.includes('"requestId":"start-e2e-request-42"'));
      for (const name of ['identity', 'sales', 'marketing', 'service']) {
        expect(logged.some((line) => line.includes(`"name":"${name}"`))).toBe(true);
      }
    });

    // Every service runs with the platform's runtime flags (scripts/node-flags.ts), as the image runs them.
    const servicePid = async (port: number) => ((await fetch(`http://localhost:${port}/health/live`).then((r) => r.json())) as { pid: number }).pid;
    const nodeFlagsOf = async (pid: number) => (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').filter((arg) => arg.startsWith('--'));
    for (const name of ['gateway', 'identity', 'sales', 'marketing', 'service'] as const) {
      expect({ name, flags: await nodeFlagsOf(await servicePid(ports[name])) }).toEqual({ name, flags: expect.arrayContaining([...RUNTIME_FLAGS]) });
      // Only this machine reaches it (HOST, 127.0.0.1 by default): the development issuer hands out ADMIN tokens.
      expect({ name, listensOn: await listenAddresses(ports[name]) }).toEqual({ name, listensOn: ['0100007F'] });
    }

    // A service that dies is restarted by npm start while the others keep serving.
    const salesHealth = `http://localhost:${ports.sales}/health/live`;
    const pid = await servicePid(ports.sales);
    process.kill(pid, 'SIGKILL');
    await eventually(async () => {
      const live = (await fetch(salesHealth).then((r) => r.json())) as { pid: number };
      expect(live.pid).not.toBe(pid);
    }, 60_000);
    expect(output).toMatch(/"service":"sales".*service exited; restarting it/);
    const again = await execute(gatewayUrl, Customer360Document, { id: DEMO.customers.janNovak, timelineFirst: 5 }, { authorization: admin });
    expect(again.errors).toBeUndefined();
    expect(again.data?.customer.opportunities?.edges[0]?.node.stage).toBe('First offer sent');

    // A browser gets an IDE whose assets come from this server, not a CDN, with a picker of the demo users.
    const page = await fetch(gatewayUrl, { headers: { accept: 'text/html' } }).then((r) => r.text());
    expect(page).toContain('GraphiQL');
    expect(page).toContain('<select id="user"');
    const demoUsers = (await fetch(`http://localhost:${ports.gateway}/dev-issuer/demo-users`).then((r) => r.json())) as Array<{ role: string; token: string }>;
    expect(demoUsers.map((u) => u.role).sort()).toEqual(['ADMIN', 'ANALYST', 'MARKETER', 'SALES_MANAGER', 'SALES_REP', 'SERVICE_AGENT']);
    const picked = await execute(
      gatewayUrl,
      Customer360Document,
      { id: DEMO.customers.janNovak, timelineFirst: 1 },
      { authorization: `Bearer ${demoUsers.find((u) => u.role === 'SALES_REP')!.token}` },
    );
    expect(picked.data?.customer.opportunities?.edges[0]?.node.stage).toBe('First offer sent'); // Tomáš's own deal
    expect(page).not.toMatch(/https?:\/\/(?!localhost)/);
    for (const asset of page.matchAll(/(?:src|href)="(\/ide\/[^"]+)"/g)) {
      const response = await fetch(`http://localhost:${ports.gateway}${asset[1]}`);
      expect({ asset: asset[1], status: response.status }).toEqual({ asset: asset[1], status: 200 });
    }
    // The live dashboard, built by npm start, at /dashboard: its page and the scripts and styles it names.
    const dashboard = await fetch(`http://localhost:${ports.gateway}/dashboard`).then((r) => r.text());
    expect(dashboard).toContain('<div id="root"></div>');
    const dashboardAssets = [...dashboard.matchAll(/(?:src|href)="(\/dashboard\/assets\/[^"]+)"/g)].map((m) => m[1]!);
    expect(dashboardAssets.length).toBeGreaterThanOrEqual(2);
    for (const asset of dashboardAssets) {
      const response = await fetch(`http://localhost:${ports.gateway}${asset}`);
      expect({ asset, status: response.status }).toEqual({ asset, status: 200 });
    }

    child.kill('SIGINT');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
    for (const port of Object.values(ports)) expect({ port, open: await portOpen(port) }).toEqual({ port, open: false });
  }, 200_000);
});
