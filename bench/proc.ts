/**
 * CPU time and memory of the platform's processes, read from /proc (Linux): utime + stime of each process before
 * and after a run, divided by the requests it served, is what a request costs each of them.
 */
import { execFileSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** Fields of /proc/<pid>/stat after the command name (which may hold spaces and parentheses). */
async function statFields(pid: number): Promise<string[] | null> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  return text ? text.slice(text.lastIndexOf(')') + 2).split(' ') : null;
}

/** CPU milliseconds the process has used (user + system); 0 once it is gone. */
export async function cpuMs(pid: number): Promise<number> {
  const fields = await statFields(pid);
  // After the name: state(0) ppid(1) … utime(11) stime(12).
  return fields ? ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS : 0;
}

/** Of which system time (the kernel's work on the process's behalf). */
export async function systemCpuMs(pid: number): Promise<number> {
  const fields = await statFields(pid);
  return fields ? (Number(fields[12]) * 1000) / CLOCK_TICKS : 0;
}

/** Resident memory in bytes. */
export async function rssBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+)/.exec(status)?.[1];
  return Number(kb ?? 0) * 1024;
}

/** The children of a process (PostgreSQL's backends and workers under its postmaster). */
export async function childrenOf(parent: number): Promise<number[]> {
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name)).map(Number);
  const parents = await Promise.all(pids.map(async (pid) => ({ pid, ppid: Number((await statFields(pid))?.[1] ?? -1) })));
  return parents.filter((p) => p.ppid === parent).map((p) => p.pid);
}

export async function parentOf(pid: number): Promise<number> {
  return Number((await statFields(pid))?.[1] ?? -1);
}

/** The processes whose CPU a run is charged to, by name; `postgres` is a group that may change between samples. */
export interface ProcessGroups {
  services: Record<string, number>;
  postgres(): Promise<number[]>;
}

export type CpuSample = Map<string, Map<number, number>>;

export async function sampleCpu(groups: ProcessGroups): Promise<CpuSample> {
  const sample: CpuSample = new Map();
  for (const [name, pid] of Object.entries(groups.services)) sample.set(name, new Map([[pid, await cpuMs(pid)]]));
  const pg = new Map<number, number>();
  for (const pid of await groups.postgres()) pg.set(pid, await cpuMs(pid));
  sample.set('postgres', pg);
  return sample;
}

/**
 * CPU milliseconds each group used between two samples. A PostgreSQL backend that started during the run counts
 * from zero; one that ended during it is not counted (pools keep theirs open, so that is rare).
 */
export function cpuBetween(before: CpuSample, after: CpuSample): Record<string, number> {
  const used: Record<string, number> = {};
  for (const [name, pids] of after) {
    let total = 0;
    // A process that ended between listing and reading reads 0: it adds nothing rather than a negative.
    for (const [pid, ms] of pids) total += Math.max(0, ms - (before.get(name)?.get(pid) ?? 0));
    used[name] = total;
  }
  return used;
}

/**
 * CPU milliseconds per second each group uses while nothing is asked of the platform: its background (the relays'
 * and consumers' safety polls, periodic jobs, PostgreSQL's autovacuum). A run's CPU beyond it is the run's.
 */
export async function backgroundRate(groups: ProcessGroups, seconds: number): Promise<Record<string, number>> {
  const before = await sampleCpu(groups);
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  const used = cpuBetween(before, await sampleCpu(groups));
  return Object.fromEntries(Object.entries(used).map(([name, ms]) => [name, ms / seconds]));
}

/** What each group used beyond its background over `seconds` (never below zero: the background is an estimate). */
export function beyondBackground(used: Record<string, number>, background: Record<string, number>, seconds: number): Record<string, number> {
  return Object.fromEntries(Object.entries(used).map(([name, ms]) => [name, Math.max(0, ms - (background[name] ?? 0) * seconds)]));
}

export const sumOf = (values: Record<string, number>): number => Object.values(values).reduce((a, b) => a + b, 0);

/**
 * Waits until the platform is idle (all its processes together below `busyShare` of one core over a second,
 * `quietSeconds` in a row): after the data set, consumers and the outbox relays still work through its events, which would be
 * measured with the requests. A platform whose background (`backgroundMsPerSecond`) is already near that share is
 * idle once it is back to its background. Returns the seconds waited, or null when it never became quiet within `timeoutMs`.
 */
export async function waitUntilQuiet(
  groups: ProcessGroups,
  timeoutMs: number,
  quietSeconds = 2,
  busyShare = 0.1,
  backgroundMsPerSecond = 0,
): Promise<number | null> {
  const started = Date.now();
  const threshold = Math.max(1000 * busyShare, backgroundMsPerSecond + 500 * busyShare);
  let quiet = 0;
  let before = await sampleCpu(groups);
  while (Date.now() - started < timeoutMs) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const after = await sampleCpu(groups);
    const used = sumOf(cpuBetween(before, after));
    before = after;
    quiet = used < threshold ? quiet + 1 : 0;
    if (quiet >= quietSeconds) return (Date.now() - started) / 1000;
  }
  return null;
}
