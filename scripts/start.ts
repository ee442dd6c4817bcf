/**
 * `npm start`: the whole platform on one machine. Without DATABASE_URL an embedded PostgreSQL starts first;
 * then each subgraph and the gateway run as their own process (both cores work), and Ctrl-C stops them all.
 * A process that dies is restarted (with backoff) while the others keep serving.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { platform, portFor, SUBGRAPHS } from '@crm/kit/config.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '@crm/kit/embedded-postgres.js';
import { createLogger } from '@crm/kit/logger.js';
import { checkSettings, ConfigurationError } from '@crm/kit/settings.js';
import { gateway } from '../gateway/settings.js';
import { allSettings, startSettings } from './settings.js';
import { ensureDashboardBuilt } from './dashboard-build.js';
import { COMPILED_FLAGS, RUNTIME_FLAGS } from './node-flags.js';

const log = createLogger('start');
const children = new Set<ChildProcess>();
let embedded: EmbeddedDatabase | undefined;
let stopping = false;

async function main(): Promise<void> {
  // Scripts that start processes are the one place that writes the environment: to pass settings on to them.
  process.env.PLATFORM_SECRET ||= await generatedSecret();
  process.env.SEED_DEMO_DATA ||= 'true';
  // Every service's whole configuration, before anything starts (a service restarted in a loop on a bad value helps nobody).
  checkSettings(allSettings());
  if (!platform().DATABASE_URL) {
    const settings = startSettings.read();
    embedded = await startEmbeddedPostgres({ dataDir: settings.EMBEDDED_PG_DIR, port: settings.EMBEDDED_PG_PORT, log });
    process.env.DATABASE_URL = embedded.url;
  }
  const env = { ...process.env };
  const runtime = await prepareRuntime();
  await ensureDashboardBuilt((reason) => log.info({ reason }, 'building the dashboard (vite build)'));
  await Promise.all(SUBGRAPHS.map((name) => launch(name, runtime(`subgraphs/${name}/src/main`), env, `http://localhost:${portFor(name)}/health`)));
  await launch('gateway', runtime('gateway/main'), env, `http://localhost:${portFor('gateway')}/health`);
  if (stopping) return;
  console.log(
    `\nCustomer platform ready: http://localhost:${portFor('gateway')}/graphql, dashboard http://localhost:${portFor('gateway')}/dashboard  (Ctrl-C stops it)\n`,
  );
  if (!gateway().AUTH_ISSUER) await printDemoTokens();
}

/** Without PLATFORM_SECRET, the services sign their calls to each other with one generated once into .data/. */
async function generatedSecret(): Promise<string> {
  const file = path.resolve('.data/platform-secret');
  const saved = await readFile(file, 'utf8').then(
    (text) => text.trim(),
    () => '',
  );
  if (saved) return saved;
  const secret = randomBytes(32).toString('hex');
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, secret, { mode: 0o600 });
  return secret;
}

/** The development issuer's tokens, one per demo user (role), ready to paste: the API works in the first minute. */
async function printDemoTokens(): Promise<void> {
  const users = await fetch(`http://localhost:${portFor('gateway')}/dev-issuer/demo-users`)
    .then((r) => r.json() as Promise<Array<{ name: string; role: string; token: string }>>)
    .catch(() => []);
  if (users.length === 0) return;
  console.log('Sign in as a demo user (development issuer; tokens valid 8 hours, GraphiQL has a picker):');
  for (const user of users) console.log(`\n  ${user.role.padEnd(14)} ${user.name}\n  Authorization: Bearer ${user.token}`);
  console.log(
    `\nExample:\n  curl -s http://localhost:${portFor('gateway')}/graphql -H 'content-type: application/json' \\\n    -H "Authorization: Bearer <token>" -d '{"query":"{ customers(first: 3) { edges { node { displayName emails } } } }"}'\n`,
  );
}

/**
 * How a service is run: by default what production runs, the compiled JavaScript (`npm run build`, incremental: a
 * few seconds when little changed) with the workspace packages resolved to their build; START_FROM=source runs the
 * TypeScript through a loader instead (no build step, but the loader costs on every request).
 */
async function prepareRuntime(): Promise<(entry: string) => string[]> {
  if (startSettings.read().START_FROM === 'source') return (entry) => [...RUNTIME_FLAGS, '--import', '@swc-node/register/esm-register', `${entry}.ts`];
  log.info('compiling (npm run build; the first time takes a minute)');
  const build = spawn('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
  const [code] = (await once(build, 'exit')) as [number | null];
  if (code !== 0) throw new Error('npm run build failed: fix the errors above, or start from source with START_FROM=source');
  return (entry) => [...COMPILED_FLAGS, `dist/${entry}.js`];
}

const RESTART_MAX_DELAY_MS = 30_000;
/** What a service exits with when its configuration is not valid (exitOnConfigurationError). */
const CONFIGURATION_EXIT_CODE = 78;
/** A process that served this long before dying starts again from the shortest delay. */
const STABLE_AFTER_MS = 60_000;

/** Runs one service as a child process and restarts it whenever it exits, until the platform stops. */
async function launch(name: string, args: string[], env: NodeJS.ProcessEnv, healthUrl: string): Promise<void> {
  let restarts = 0;
  const run = () => {
    const startedAt = Date.now();
    const child = spawn(process.execPath, args, { env, stdio: 'inherit' });
    children.add(child);
    child.once('exit', (code, signal) => {
      children.delete(child);
      if (stopping) return;
      if (code === CONFIGURATION_EXIT_CODE) {
        // It said why on standard error; restarting it would only say it again.
        log.error({ service: name }, 'service refused its configuration; stopping the platform');
        void shutdown(1);
        return;
      }
      if (Date.now() - startedAt > STABLE_AFTER_MS) restarts = 0;
      const delayMs = Math.min(1000 * 2 ** restarts, RESTART_MAX_DELAY_MS);
      restarts++;
      log.error({ service: name, code, signal, restartInMs: delayMs, restarts }, 'service exited; restarting it');
      setTimeout(() => !stopping && run(), delayMs).unref();
    });
  };
  run();
  const deadline = Date.now() + startSettings.read().START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (stopping) return;
    const healthy = await fetch(healthUrl).then(
      (r) => r.ok,
      () => false,
    );
    if (healthy) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${name} did not become healthy at ${healthUrl}`);
}

async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  await Promise.all(
    [...children]
      .filter((c) => c.exitCode === null && c.signalCode === null)
      .map(async (child) => {
        child.kill('SIGTERM');
        await once(child, 'exit');
      }),
  );
  if (embedded) await embedded.stop();
  log.info('stopped');
  process.exit(code);
}

process.once('SIGINT', () => void shutdown(0));
process.once('SIGTERM', () => void shutdown(0));
main().catch((error: unknown) => {
  if (error instanceof ConfigurationError) process.stderr.write(`${error.message}\n`);
  else log.error({ err: error }, 'start failed');
  void shutdown(1);
});
