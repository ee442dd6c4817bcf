/**
 * `npm run bench -- --scale tiny|10k|100k|1m [--out dir] [--auth admin|api-key] [--no-build] [--profile dir]`: starts the
 * platform as `npm start` does (on its own databases and ports), generates a dealer data set of that scale through
 * the API, measures (bench/measure.ts), prints every figure with its ratio to its peer or target and writes the
 * report to bench/results/ (<date>-<scale>.md and .html, latest.md). Stops everything it started, also on Ctrl-C.
 */
import { cpus } from 'node:os';
import { execFileSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import pg from 'pg';
import { API_KEY_SCOPES } from '@crm/kit/access/permissions.js';
import { generateDataSet, joinDataSets } from '../bench/dataset.js';
import { graphql, type Caller } from '../bench/graphql.js';
import { measureAll, measureReadsAtSize } from '../bench/measure.js';
import { parseOptions } from '../bench/options.js';
import { build, startBenchPlatform, type BenchPlatform } from '../bench/platform.js';
import { printSection, writeReport, type Report } from '../bench/report.js';
import { sections } from '../bench/sections.js';

const started = Date.now();
/** The commit the run measures, read as it starts (a commit made while it runs is not what it built). */
const commit = (() => {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const changed = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).trim();
    return changed ? `${head} with uncommitted changes` : head;
  } catch {
    return 'unknown';
  }
})();
/** Progress lines carry the seconds since the start: where a run spends its time. */
const say = (line: string) =>
  console.log(line.startsWith('\n') || line.startsWith('  ') ? line : `[${String(Math.round((Date.now() - started) / 1000)).padStart(4)} s] ${line}`);
let platform: BenchPlatform | undefined;
let stopPlatform: (() => Promise<void>) | undefined;
let stopping: Promise<void> | undefined;
const stop = () => (stopping ??= stopPlatform?.() ?? Promise.resolve());

async function apiKeyCaller(admin: Caller): Promise<Caller> {
  const { createApiKey } = await graphql<{ createApiKey: { secret: string } }>(
    admin,
    'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }',
    { input: { name: 'bench', scopes: API_KEY_SCOPES, allowedCidrs: [] } },
  );
  return { url: admin.url, authorization: `Bearer ${createApiKey.secret}` };
}

async function environment(options: ReturnType<typeof parseOptions>, seconds: number): Promise<Array<[string, string]>> {
  const client = new pg.Client({ connectionString: platform!.databaseUrl('identity') });
  await client.connect();
  const { rows } = await client
    .query<{ version: string; socket: boolean }>("select current_setting('server_version') as version, inet_client_addr() is null as socket")
    .finally(() => client.end());
  const reached = rows[0]!.socket ? 'through its Unix socket' : 'over TCP';
  return [
    ['scale', `${options.scale.name} (${options.scale.customers.toLocaleString('en-US')} customers; ${options.scale.seconds} s per load run)`],
    ['machine', `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}`],
    ['node', process.version],
    ['PostgreSQL', `${rows[0]!.version} (${process.env.DATABASE_URL ? 'DATABASE_URL, bench-only databases' : 'embedded'}, ${reached})`],
    ['platform', `compiled build (dist/), as npm start runs it; commit ${commit}`],
    ['caller', options.auth === 'admin' ? 'the demo ADMIN (development issuer token)' : 'an API key with every scope'],
    ['load generator', 'autocannon and graphql-ws in the bench process, on the same machine'],
    ['run time', `${seconds.toFixed(0)} s`],
  ];
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (options.build) {
    say('building (npm run build, incremental)');
    await build();
  }
  platform = await startBenchPlatform(say, (stopIt) => (stopPlatform = stopIt), { profileDir: options.profile });
  const admin: Caller = { url: platform.gatewayUrl, authorization: platform.adminAuthorization };
  const caller = options.auth === 'api-key' ? await apiKeyCaller(admin) : admin;
  const { customers, firstStep } = options.scale;
  say(`data set: ${customers.toLocaleString('en-US')} customers through the API, the first ${firstStep.toLocaleString('en-US')} before the rest`);
  const first = await generateDataSet(caller, { to: firstStep }, say);
  const smaller = await measureReadsAtSize(platform, caller, first.customerIds, options.scale, say);
  const data = joinDataSets(first, await generateDataSet(caller, { from: firstStep, to: customers }, say));
  say(`data set written in ${data.seconds.toFixed(1)} s: ${JSON.stringify(data.counts)}`);
  const measurements = await measureAll(platform, caller, data.customerIds, options.scale, smaller, say);
  const report: Report = {
    scale: options.scale.name,
    date: new Date().toISOString().slice(0, 10),
    environment: await environment(options, (Date.now() - started) / 1000),
    sections: sections(data, measurements),
  };
  for (const section of report.sections) printSection(section, say);
  const files = await writeReport(report, options.out);
  await stop();
  await rm(platform.logDir, { recursive: true, force: true });
  say(`\nReport: ${files.join(', ')}\nBenchmark finished in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

let interrupted = false;
const onSignal = (signal: NodeJS.Signals) => {
  interrupted = true;
  say(`\n${signal}: stopping what the bench started`);
  void stop()
    .then(() => platform && rm(platform.logDir, { recursive: true, force: true }))
    .finally(() => process.exit(130));
};
process.once('SIGINT', onSignal);
process.once('SIGTERM', onSignal);

main().then(
  () => process.exit(0),
  async (error: unknown) => {
    if (interrupted) return; // what broke is what the signal stopped: the handler exits
    // fetch says only "fetch failed"; what failed underneath (a reset connection, a timeout) is in its cause.
    const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
    console.error(`\nBenchmark failed: ${error instanceof Error ? error.message : String(error)}${cause}`);
    if (platform) console.error(`The services' logs: ${platform.logDir}`);
    await stop().catch(() => undefined);
    process.exit(1);
  },
);
