/** `npm run bench -- [--scale tiny|10k|100k|1m] [--out dir] [--auth admin|api-key] [--no-build] [--profile dir]`. */
import { parseArgs } from 'node:util';

export interface Scale {
  name: string;
  customers: number;
  /**
   * Customers written before the rest of the data set, at which the reads a person waits for are measured first: a
   * tenth of the scale, and 10,000 for 1m (issue 11: within 2× at a million customers of their latency at 10,000).
   */
  firstStep: number;
  /** Seconds of each HTTP load run. */
  seconds: number;
  /** Rows of the ingestion comparison. */
  ingestRows: number;
  /** Mutations whose event latency is measured. */
  events: number;
  /** Idle subscribed sockets for the memory figure. */
  sockets: number;
  /** Seconds of the sustained-events run (SUSTAINED_RATE in measure.ts). */
  sustainedSeconds: number;
  /** Subscribers of one topic that one event fans out to, a run each. */
  fanOut: number[];
}

export const SCALES: Record<string, Scale> = {
  // At least 1,000 sockets: with 300 (about 5 MB) the gateway's resident memory moved by as much either way.
  tiny: { name: 'tiny', customers: 200, firstStep: 20, seconds: 3, ingestRows: 5_000, events: 30, sockets: 1000, sustainedSeconds: 5, fanOut: [1000] },
  '10k': {
    name: '10k',
    customers: 10_000,
    firstStep: 1_000,
    seconds: 15,
    ingestRows: 50_000,
    events: 200,
    sockets: 1000,
    sustainedSeconds: 15,
    fanOut: [1000, 10_000],
  },
  '100k': {
    name: '100k',
    customers: 100_000,
    firstStep: 10_000,
    seconds: 20,
    ingestRows: 100_000,
    events: 300,
    sockets: 2000,
    sustainedSeconds: 20,
    fanOut: [1000, 10_000],
  },
  '1m': {
    name: '1m',
    customers: 1_000_000,
    firstStep: 10_000,
    seconds: 30,
    ingestRows: 200_000,
    events: 500,
    sockets: 5000,
    sustainedSeconds: 30,
    fanOut: [1000, 10_000],
  },
};

export interface Options {
  scale: Scale;
  out: string;
  /** admin: the demo ADMIN's token from the development issuer; api-key: a key with every scope, made by that admin. */
  auth: 'admin' | 'api-key';
  build: boolean;
  /** Where each service writes a CPU profile (node --cpu-prof) when the bench stops it. */
  profile?: string;
}

export function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      scale: { type: 'string', default: 'tiny' },
      out: { type: 'string', default: 'bench/results' },
      auth: { type: 'string', default: 'admin' },
      'no-build': { type: 'boolean', default: false },
      profile: { type: 'string' },
    },
  });
  const scale = SCALES[values.scale.toLowerCase()];
  if (!scale) throw new Error(`--scale must be one of ${Object.keys(SCALES).join(', ')}, got "${values.scale}"`);
  if (values.auth !== 'admin' && values.auth !== 'api-key') throw new Error(`--auth must be admin or api-key, got "${values.auth}"`);
  return { scale, out: values.out, auth: values.auth, build: !values['no-build'], profile: values.profile };
}
