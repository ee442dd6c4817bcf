/**
 * HTTP load with autocannon: a GraphQL operation whose variables change per request (a random customer, a random
 * search term), at a fixed number of connections for a fixed time. Latency percentiles come from every response's
 * own time; CPU per request from /proc, from before the run until the platform is idle again, less the platform's
 * background over that time (measured just before), divided by the requests sent; an answer with GraphQL errors
 * counts as an error.
 */
import autocannon from 'autocannon';
import { backgroundRate, beyondBackground, cpuBetween, sampleCpu, sumOf, waitUntilQuiet, type ProcessGroups } from './proc.js';

export interface LoadRun {
  label: string;
  connections: number;
  seconds: number;
  requests: number;
  errors: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  /** CPU milliseconds per request of each process group (gateway, subgraphs, postgres), beyond the background. */
  cpuMsPerRequest: Record<string, number>;
  /** CPU milliseconds per second of each process group just before the run, with nothing asked of the platform. */
  backgroundMsPerSecond: Record<string, number>;
}

export interface LoadOptions {
  label: string;
  url: string;
  authorization: string;
  connections: number;
  seconds: number;
  query: string;
  variables: () => Record<string, unknown>;
  processes: ProcessGroups;
}

export const percentile = (sorted: number[], p: number): number =>
  sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;

/** Long enough for the safety polls (every 1-2 s) to show in the background. */
const BACKGROUND_SECONDS = 3;

export async function runLoad(options: LoadOptions): Promise<LoadRun> {
  const latencies: number[] = [];
  let errors = 0;
  const background = await backgroundRate(options.processes, BACKGROUND_SECONDS);
  const before = await sampleCpu(options.processes);
  const started = performance.now();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        method: 'POST',
        connections: options.connections,
        duration: options.seconds,
        headers: { 'content-type': 'application/json', authorization: options.authorization },
        requests: [
          {
            setupRequest: (request) => ({ ...request, body: JSON.stringify({ query: options.query, variables: options.variables() }) }),
            onResponse: (status, body) => {
              if (status !== 200 || body.includes('"errors"')) errors++;
            },
          },
        ],
      },
      (error: unknown, done) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(done)),
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
  // Requests still in flight when the run ended are worked on after it: their CPU counts too, shared by every request sent.
  await waitUntilQuiet(options.processes, 20_000, 1, 0.1, sumOf(background));
  const after = await sampleCpu(options.processes);
  const seconds = (performance.now() - started) / 1000;
  const requests = latencies.length;
  const sent = Math.max(result.requests.sent, requests);
  if (requests === 0) throw new Error(`${options.label}: no answer within ${options.seconds} s`);
  const used = beyondBackground(cpuBetween(before, after), background, seconds);
  latencies.sort((a, b) => a - b);
  return {
    label: options.label,
    connections: options.connections,
    seconds: options.seconds,
    requests,
    errors: errors + result.errors + result.non2xx,
    rps: requests / (result.duration || options.seconds),
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    cpuMsPerRequest: Object.fromEntries(Object.entries(used).map(([name, ms]) => [name, ms / sent])),
    backgroundMsPerSecond: background,
  };
}

export const totalCpu = (run: LoadRun): number => Object.values(run.cpuMsPerRequest).reduce((a, b) => a + b, 0);

/** Runs of the same load as one: requests and errors added up, rates, percentiles and CPU per request averaged. */
export function meanRun(runs: readonly LoadRun[]): LoadRun {
  const mean = (value: (run: LoadRun) => number) => runs.reduce((sum, run) => sum + value(run), 0) / runs.length;
  const meanOfKeys = (of: (run: LoadRun) => Record<string, number>) =>
    Object.fromEntries(Object.keys(of(runs[0]!)).map((name) => [name, mean((run) => of(run)[name] ?? 0)]));
  return {
    ...runs[0]!,
    label: `${runs[0]!.label.replace(/ \(.*\)$/, '')} (mean of ${runs.length} runs)`,
    seconds: runs.reduce((sum, run) => sum + run.seconds, 0),
    requests: runs.reduce((sum, run) => sum + run.requests, 0),
    errors: runs.reduce((sum, run) => sum + run.errors, 0),
    rps: mean((run) => run.rps),
    p50: mean((run) => run.p50),
    p95: mean((run) => run.p95),
    p99: mean((run) => run.p99),
    cpuMsPerRequest: meanOfKeys((run) => run.cpuMsPerRequest),
    backgroundMsPerSecond: meanOfKeys((run) => run.backgroundMsPerSecond),
  };
}

/** A run in one line, as the bench prints it while it runs. */
export function summaryOf(run: LoadRun): string {
  const cpu = Object.entries(run.cpuMsPerRequest).map(([name, ms]) => `${name} ${ms.toFixed(1)}`);
  return `${run.label}: ${run.rps.toFixed(0)} req/s, p50 ${run.p50.toFixed(1)} ms, p99 ${run.p99.toFixed(1)} ms, CPU ms/request: ${cpu.join(', ')}${run.errors ? `, ${run.errors} errors` : ''}`;
}
