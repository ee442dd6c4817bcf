import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { eventually } from './helpers/eventually.js';
import { RUNTIME_FLAGS } from '../scripts/node-flags.js';

// What production runs (the Dockerfile: `npm run build`, then `node` with NODE_OPTIONS=--conditions=production;
// npm start runs the same build):
// compiled JavaScript, each workspace package (@crm/kit, @crm/demo) resolved to its own build, not to TypeScript.

const run = promisify(execFile);
const server = process.env.DATABASE_URL!;
const prefix = `crm_b${randomBytes(4).toString('hex')}`;
const databaseUrl = (name: string) => Object.assign(new URL(server), { pathname: `/${prefix}_${name}` }).toString();
const children: ChildProcess[] = [];

async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as { port: number };
  probe.close();
  return port;
}

const production = (env: Record<string, string>) => ({
  PATH: process.env.PATH,
  NODE_OPTIONS: ['--conditions=production', ...RUNTIME_FLAGS].join(' '),
  LOG_LEVEL: 'silent',
  ...env,
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  await Promise.all(children.map((child) => (child.exitCode === null ? once(child, 'exit') : undefined)));
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  for (const name of ['sales', 'events']) await admin.query(`drop database if exists "${prefix}_${name}" with (force)`);
  await admin.end();
});

describe('the production build', () => {
  it('compiles, and resolves the workspace packages to their compiled code', async () => {
    // npm test builds before the tests run (npm start too, incrementally); alone, this test builds first.
    if (!existsSync('dist/gateway/main.js') || !existsSync('kit/dist/errors.js')) await run('npm', ['run', 'build'], { maxBuffer: 16 * 1024 * 1024 });
    const resolve = `for (const p of ['@crm/kit/errors.js', '@crm/demo/ids.js']) console.log(import.meta.resolve(p))`;
    const { stdout } = await run(process.execPath, ['--conditions=production', '--input-type=module', '-e', resolve]);
    expect(stdout.trim().split('\n')).toEqual([expect.stringMatching(/\/kit\/dist\/errors\.js$/), expect.stringMatching(/\/demo\/dist\/ids\.js$/)]);
  }, 240_000);

  it('starts a subgraph from the compiled code, which becomes ready on its own database', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['dist/subgraphs/sales/src/main.js'], {
      env: production({
        PLATFORM_SECRET: randomBytes(24).toString('hex'),
        DATABASE_URL: server,
        SALES_DATABASE_URL: databaseUrl('sales'),
        EVENTS_DATABASE_URL: databaseUrl('events'),
        SALES_PORT: String(port),
      }),
      stdio: 'ignore',
    });
    children.push(child);
    await eventually(async () => {
      const response = await fetch(`http://127.0.0.1:${port}/health/ready`);
      expect(response.status).toBe(200);
    }, 60_000);
    expect(child.exitCode).toBeNull();
  }, 90_000);

  it('refuses to start on a bad setting, saying which (exit code 78)', async () => {
    const child = spawn(process.execPath, ['dist/gateway/main.js'], {
      env: production({ PLATFORM_SECRET: 'short', MAX_QUERY_DEPTH: 'deep', LOG_LEVEL: 'info' }),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    children.push(child);
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(78);
    expect(stderr).toContain('MAX_QUERY_DEPTH: must be a whole number, got "deep"');
  }, 30_000);
});
