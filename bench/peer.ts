/**
 * The 360° query through the Hive Gateway (bench/hive-gateway.js) on the same subgraphs, when it is installed, in
 * runs alternating with our gateway's: a ratio of two runs minutes apart measured the machine's drift as much as the
 * gateways (the same code gave the Hive Gateway 70 and 103 req/s in two reports), so each gateway is measured
 * `ROUNDS` times, one after the other, each warmed up alike, and compared by the mean of its runs.
 */
import { existsSync } from 'node:fs';
import { freePort, stopChild, untilReady, type BenchPlatform } from './platform.js';
import { graphql, type Caller } from './graphql.js';
import { meanRun, runLoad, summaryOf, type LoadRun } from './load.js';
import { CUSTOMER_360, LOOKUP } from './queries.js';
import { pick } from './names.js';
import { COMPILED_FLAGS } from '../scripts/node-flags.js';

const ENTRY = 'bench/hive-gateway.js';

export type PeerResult = { hive: LoadRun; ours: LoadRun; rounds: number } | { reason: string };

const ROUNDS = 2;

/** `ours` runs the same 360° load through our gateway (bench/measure.ts's loader). */
export async function measurePeer(
  platform: BenchPlatform,
  caller: Caller,
  customerIds: string[],
  seconds: number,
  say: (line: string) => void,
  ours: (label: string, seconds: number) => Promise<LoadRun>,
): Promise<PeerResult> {
  try {
    import.meta.resolve('@graphql-hive/gateway-runtime');
  } catch {
    return { reason: '@graphql-hive/gateway-runtime is not installed (npm ci without dev dependencies?)' };
  }
  if (!existsSync('kit/dist/config.js')) return { reason: 'the kit is not built (npm run build)' };
  const { users } = await graphql<{ users: Array<{ id: string; name: string; role: string }> }>(caller, '{ users { id name role } }');
  const admin = users.find((user) => user.role === 'ADMIN' && user.name === platform.adminName);
  if (!admin) return { reason: 'the demo admin was not found' };
  const port = await freePort();
  const child = platform.spawnChild('hive-gateway', [...COMPILED_FLAGS, ENTRY], {
    BENCH_PEER_PORT: String(port),
    BENCH_PEER_VIEWER_ID: admin.id,
  });
  const peer: Caller = { url: `http://127.0.0.1:${port}/graphql`, authorization: caller.authorization };
  try {
    const ready = await untilReady(child, () => graphql(peer, LOOKUP, { id: customerIds[0] }, AbortSignal.timeout(5000)).then(() => true), 60_000, 500);
    if (!ready) return { reason: `Hive Gateway did not answer (see ${platform.logDir}/hive-gateway.log)` };
    const { gateway: _ours, ...subgraphs } = platform.processes.services;
    const load = async (label: string, secs: number) => {
      const run = await runLoad({
        label,
        url: peer.url,
        authorization: peer.authorization,
        connections: 10,
        seconds: secs,
        query: CUSTOMER_360,
        variables: () => ({ id: pick(Math.random, customerIds) }),
        processes: { services: { gateway: child.pid!, ...subgraphs }, postgres: platform.processes.postgres },
      });
      say(`  ${summaryOf(run)}`);
      return run;
    };
    await load('warm-up', Math.min(5, seconds));
    const runs: Record<'ours' | 'hive', LoadRun[]> = { ours: [], hive: [] };
    for (let round = 1; round <= ROUNDS; round++) {
      runs.ours.push(await ours(`360° via our gateway, 10 connections (beside the peer, ${round} of ${ROUNDS})`, seconds));
      runs.hive.push(await load(`360° via Hive Gateway, 10 connections (${round} of ${ROUNDS})`, seconds));
    }
    return { ours: meanRun(runs.ours), hive: meanRun(runs.hive), rounds: ROUNDS };
  } finally {
    await stopChild(child, 5000);
  }
}
