/**
 * Ingestion: rows/s of bulk `recordInteractions` through the gateway, next to PostgreSQL `COPY` of the very same
 * rows into the same table (issue 11: "COPY of the same rows into the same indexed table"), the interaction table
 * of marketing's database with the data set already in it, in a transaction rolled back afterwards; and single
 * `recordInteraction` creates/s under load. (Earlier runs copied into an empty table of the same shape, which never
 * grows: about 27,000 rows/s at every scale, while the API wrote into a table of up to millions of rows.)
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { BENCH_APPLICATION } from './connections.js';
import copyStreams from 'pg-copy-streams';
import { chunks, graphql, inParallel, type Caller } from './graphql.js';
import { pick, randomSource } from './names.js';

export interface Ingestion {
  rows: number;
  bulkRowsPerSecond: number;
  copyRowsPerSecond: number;
}

const BATCH = 1000;
const CONCURRENCY = 2;

export async function measureIngestion(caller: Caller, marketingDatabaseUrl: string, customerIds: string[], rows: number): Promise<Ingestion> {
  const run = `bench-ingest-${randomBytes(4).toString('hex')}`;
  const random = randomSource(rows);
  const inputs = Array.from({ length: rows }, (_, n) => ({
    customerId: pick(random, customerIds),
    channel: 'WEB',
    type: 'PAGE_VIEW',
    occurredAt: new Date(Date.now() - random() * 30 * 86_400_000).toISOString(),
    sourceSystem: run,
    externalEventId: String(n),
    properties: { page: '/modely/kodiaq', referrer: 'https://www.google.com/' },
  }));
  const bulkStarted = performance.now();
  await inParallel(chunks(inputs, BATCH), CONCURRENCY, async (batch) => {
    const { recordInteractions } = await graphql<{ recordInteractions: { accepted: number } }>(
      caller,
      'mutation($input: [RecordInteractionInput!]!) { recordInteractions(input: $input) { accepted } }',
      { input: batch },
    );
    if (recordInteractions.accepted !== batch.length) throw new Error(`recordInteractions accepted ${recordInteractions.accepted} of ${batch.length}`);
  });
  const bulkSeconds = (performance.now() - bulkStarted) / 1000;

  const client = new pg.Client({ connectionString: marketingDatabaseUrl, application_name: BENCH_APPLICATION });
  await client.connect();
  try {
    // The rows as the API stored them, each under a new id and partner key (not timed) …
    await client.query(`create temp table bench_copy_rows as select * from interaction where source_system = $1`, [run]);
    await client.query(`update bench_copy_rows set id = gen_random_uuid(), source_system = source_system || '-copy'`);
    const exported: Buffer[] = [];
    await pipeline(client.query(copyStreams.to('copy bench_copy_rows to stdout')), async (source: AsyncIterable<Buffer>) => {
      for await (const chunk of source) exported.push(chunk);
    });
    // … and COPY of them into the interaction table itself, with its indexes and every row already there, as the
    // API's rows went in (timed); rolled back, so the data set stays what the API wrote.
    await client.query('begin');
    const copyStarted = performance.now();
    await pipeline(Readable.from(exported), client.query(copyStreams.from('copy interaction from stdin')));
    const copySeconds = (performance.now() - copyStarted) / 1000;
    const { rows: counted } = await client.query<{ n: string }>(`select count(*) as n from interaction where source_system = $1`, [`${run}-copy`]);
    await client.query('rollback');
    if (Number(counted[0]!.n) !== rows) throw new Error(`COPY wrote ${counted[0]!.n} rows, expected ${rows}`);
    return { rows, bulkRowsPerSecond: rows / bulkSeconds, copyRowsPerSecond: rows / copySeconds };
  } finally {
    await client.end();
  }
}
