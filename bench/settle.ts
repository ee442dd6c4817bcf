/**
 * After a data set the bench waits until its events are worked through, so what runs in the background is not
 * measured with the reads: the platform idle (below a tenth of a core), or, when its background stays above that
 * (autovacuum after a large data set, say), every consumer caught up with the bus and the platform below half a core
 * for `calmSeconds` in a row. Each run then charges only what is beyond the background it measures just before
 * (load.ts).
 */
import { cpuBetween, sampleCpu, sumOf, waitUntilQuiet, type ProcessGroups } from './proc.js';

export type Settled = { how: 'idle'; seconds: number } | { how: 'caught up'; seconds: number; msPerSecond: number } | { how: 'timed out'; seconds: number };

export interface SettleOptions {
  timeoutMs: number;
  /** How long the platform must stay calm with its consumers caught up (30 s in the bench). */
  calmSeconds?: number;
  /** How long each look for idleness lasts before the calm rule is checked (5 s in the bench). */
  windowMs?: number;
  /** Below this, in CPU ms per second of all processes, the platform counts as calm (half a core). */
  calmMsPerSecond?: number;
}

export async function settle(groups: ProcessGroups, caughtUp: () => Promise<boolean>, options: SettleOptions): Promise<Settled> {
  const { timeoutMs, calmSeconds = 30, windowMs = 5_000, calmMsPerSecond = 500 } = options;
  const started = Date.now();
  const elapsed = () => (Date.now() - started) / 1000;
  let calm = 0;
  let before = await sampleCpu(groups);
  let sampledAt = Date.now();
  while (Date.now() - started < timeoutMs) {
    if ((await waitUntilQuiet(groups, windowMs)) !== null) return { how: 'idle', seconds: elapsed() };
    const after = await sampleCpu(groups);
    // Over the time the window really took: the health check and the sampling make it longer than windowMs.
    const seconds = (Date.now() - sampledAt) / 1000;
    const msPerSecond = sumOf(cpuBetween(before, after)) / seconds;
    [before, sampledAt] = [after, Date.now()];
    calm = msPerSecond < calmMsPerSecond && (await caughtUp()) ? calm + seconds : 0;
    if (calm >= calmSeconds) return { how: 'caught up', seconds: elapsed(), msPerSecond };
  }
  return { how: 'timed out', seconds: elapsed() };
}
