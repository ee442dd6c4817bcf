/**
 * `npm test` after the type-check: jest against real PostgreSQL — DATABASE_URL where set,
 * otherwise an embedded server started here for the run, exactly as `npm start` would.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '@crm/kit/embedded-postgres.js';
import { createLogger } from '@crm/kit/logger.js';
import { ASYNC_CONTEXT_FLAGS } from './node-flags.js';

const dataDir = path.join(tmpdir(), `crm-test-pg-${process.pid}`);
let embedded: EmbeddedDatabase | undefined;
if (!process.env.DATABASE_URL) {
  embedded = await startEmbeddedPostgres({ dataDir, port: 19000 + (process.pid % 900), log: createLogger('test-db') });
  // Over TCP, as a server elsewhere is reached: tests put proxies (PgBouncer, a severable one) between the services
  // and the server by its host and port. `npm start`'s socket is tested by tests/start.e2e.test.ts.
  process.env.DATABASE_URL = embedded.tcpUrl;
  console.log(`Tests run on an embedded PostgreSQL (${embedded.tcpUrl}); set DATABASE_URL to use another server.`);
}

const resultsFile = path.join(tmpdir(), `crm-test-results-${process.pid}.json`);
const jest = spawn(
  process.execPath,
  // AsyncLocalStorage as the services run it (scripts/node-flags.ts): the services tested in-process use the same.
  [...ASYNC_CONTEXT_FLAGS, '--experimental-vm-modules', 'node_modules/jest/bin/jest.js', '--json', `--outputFile=${resultsFile}`, ...process.argv.slice(2)],
  { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' } },
);
const [code] = (await once(jest, 'exit')) as [number | null];
if (embedded) {
  await embedded.stop();
  await rm(dataDir, { recursive: true, force: true });
}

// The plain closing line CI reads; a suite that could not run counts as a failure.
const results = (await readFile(resultsFile, 'utf8').then(JSON.parse, () => null)) as {
  numPassedTests: number;
  numFailedTests: number;
  numRuntimeErrorTestSuites: number;
} | null;
await rm(resultsFile, { force: true });
const failed = results ? results.numFailedTests + results.numRuntimeErrorTestSuites : 1;
console.log(`\n${results?.numPassedTests ?? 0} passed, ${failed} failed`);
process.exit(code === 0 && failed === 0 ? 0 : 1);
