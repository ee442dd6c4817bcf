/**
 * The platform's PostgreSQL connections (issue 11: the whole platform's default footprint ≤ 30), sampled from
 * pg_stat_activity while the bench runs: the most it held at once, and what it holds when idle.
 */
import pg from 'pg';

const DATABASES = ['identity', 'sales', 'marketing', 'service', 'events'];
const EVERY_MS = 100;
/** The bench's own connections (the sampler, COPY) are not the platform's. */
export const BENCH_APPLICATION = 'crm-bench';

export interface ConnectionSampler {
  /** Connections held now. */
  now(): Promise<number>;
  /** The most held at once since the sampler started. */
  peak(): number;
  stop(): Promise<void>;
}

export async function sampleConnections(databaseUrl: (name: string) => string): Promise<ConnectionSampler> {
  const names = DATABASES.map((name) => new URL(databaseUrl(name)).pathname.slice(1));
  const client = new pg.Client({ connectionString: databaseUrl('identity'), application_name: BENCH_APPLICATION });
  client.on('error', () => undefined);
  await client.connect();
  const count = async () => {
    const { rows } = await client.query<{ n: number }>(
      "select count(*)::int as n from pg_stat_activity where backend_type = 'client backend' and datname = any($1) and application_name <> $2",
      [names, BENCH_APPLICATION],
    );
    return rows[0]!.n;
  };
  let peak = 0;
  let sampling = Promise.resolve();
  const timer = setInterval(() => {
    sampling = sampling.then(async () => void (peak = Math.max(peak, await count().catch(() => 0))));
  }, EVERY_MS);
  return {
    now: count,
    peak: () => peak,
    async stop() {
      clearInterval(timer);
      await sampling;
      await client.end();
    },
  };
}
