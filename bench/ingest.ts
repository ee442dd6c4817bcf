/**
 * Ingestion: rows/s of bulk `recordInteractions` through the gateway, next to PostgreSQL `COPY` of the very same
 * rows into a scratch table of the same shape (`LIKE interaction INCLUDING ALL`: its columns, defaults and
 * indexes) in marketing's database; and single `recordInteraction` creates/s under load.
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
    await client.query('create table bench_copy_interaction (like interaction including all)');
    // The rows as the API stored them, in COPY's text format (not timed) …
    const exported: Buffer[] = [];
    await pipeline(
      client.query(copyStreams.to(`copy (select * from interaction where source_system = '${run}') to stdout`)),
      async (source: AsyncIterable<Buffer>) => {
        for await (const chunk of source) exported.push(chunk);
      },
    );
    // … and COPY of the same rows into the empty table of the same shape (timed).
    const copyStarted = performance.now();
    await pipeline(Readable.from(exported), client.query(copyStreams.from('copy bench_copy_interaction from stdin')));
    const copySeconds = (performance.now() - copyStarted) / 1000;
    const { rows: counted } = await client.query<{ n: string }>('select count(*) as n from bench_copy_interaction');
    if (Number(counted[0]!.n) !== rows) throw new Error(`COPY wrote ${counted[0]!.n} rows, expected ${rows}`);
    return { rows, bulkRowsPerSecond: rows / bulkSeconds, copyRowsPerSecond: rows / copySeconds };
  } finally {
    await client.query('drop table if exists bench_copy_interaction').catch(() => undefined);
    await client.end();
  }
}
