/**
 * The 360° query's floor on this machine: Apollo's gateway over four bare Apollo subgraphs answering the query's
 * shape from constants (bench/stack-floor.js, five processes of their own), in runs alternating with the platform's
 * 360° query, as the peer's are (bench/peer.ts): what the federated stack costs here before anything a platform does
 * (its database, the caller's token, the access policy, the ORM), process by process, beside what the platform costs.
 */
import { freePort, stopChild, untilReady, type BenchPlatform } from './platform.js';
import { graphql } from './graphql.js';
import { meanRun, runLoad, summaryOf, type LoadRun } from './load.js';
import { CUSTOMER_360 } from './queries.js';
import { COMPILED_FLAGS } from '../scripts/node-flags.js';
import { SUBGRAPHS } from '@crm/kit/config.js';
import type { ChildProcess } from 'node:child_process';

const ENTRY = 'bench/stack-floor.js';
const ROUNDS = 2;

export interface StackFloor {
  /** The floor's five processes, by the platform's process names (gateway, identity, …). */
  floor: LoadRun;
  /** The platform's 360° query in the runs between the floor's. */
  ours: LoadRun;
  rounds: number;
}

/** `ours` runs the same 360° load through the platform (bench/measure.ts's loader). */
export async function measureStackFloor(
  platform: BenchPlatform,
  seconds: number,
  say: (line: string) => void,
  ours: (label: string, seconds: number) => Promise<LoadRun>,
): Promise<StackFloor> {
  const children: ChildProcess[] = [];
  try {
    const pids: Record<string, number> = {};
    const ports: string[] = [];
    for (const name of SUBGRAPHS) {
      const port = await freePort();
      const child = platform.spawnChild(`stack-floor-${name}`, [...COMPILED_FLAGS, ENTRY, 'subgraph', String(port), name]);
      children.push(child);
      pids[name] = child.pid!;
      ports.push(`${name}=${port}`);
      await answering(child, `http://127.0.0.1:${port}/`, '{ _service { sdl } }');
    }
    const port = await freePort();
    const gateway = platform.spawnChild('stack-floor-gateway', [...COMPILED_FLAGS, ENTRY, 'gateway', String(port), ...ports]);
    children.push(gateway);
    pids.gateway = gateway.pid!;
    const url = `http://127.0.0.1:${port}/`;
    await answering(gateway, url, '{ __typename }');
    const load = async (label: string, secs: number) => {
      const run = await runLoad({
        label,
        url,
        authorization: 'none',
        connections: 10,
        seconds: secs,
        query: CUSTOMER_360,
        variables: () => ({ id: crypto.randomUUID() }),
        processes: { services: pids, postgres: async () => [] },
      });
      say(`  ${summaryOf(run)}`);
      // As the platform's runs (measure.ts): more than 1 % errors fails the bench.
      if (run.errors > run.requests / 100)
        throw new Error(`${label}: ${run.errors} of ${run.requests} answers were errors (see ${platform.logDir}/stack-floor-*.log)`);
      return run;
    };
    await load('warm-up', Math.min(5, seconds));
    const runs: Record<'ours' | 'floor', LoadRun[]> = { ours: [], floor: [] };
    for (let round = 1; round <= ROUNDS; round++) {
      runs.floor.push(await load(`360° via the bare stack, 10 connections (${round} of ${ROUNDS})`, seconds));
      runs.ours.push(await ours(`360° via the platform, 10 connections (beside the floor, ${round} of ${ROUNDS})`, seconds));
    }
    return { floor: meanRun(runs.floor), ours: meanRun(runs.ours), rounds: ROUNDS };
  } finally {
    for (const child of children) await stopChild(child, 5000);
  }
}

async function answering(child: ChildProcess, url: string, query: string): Promise<void> {
  const probe = () => graphql({ url, authorization: 'none' }, query, {}, AbortSignal.timeout(5000)).then(() => true);
  if (!(await untilReady(child, probe, 60_000, 200))) throw new Error(`the stack's floor did not answer at ${url}`);
}
