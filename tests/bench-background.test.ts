import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from '@jest/globals';
import { backgroundRate, beyondBackground, waitUntilQuiet, type ProcessGroups } from '../bench/proc.js';

// The bench charges a run only what the platform used beyond its background (the relays' and consumers' safety
// polls, periodic jobs): a platform whose background is above the bench's "idle" share of a core would otherwise
// never count as idle, each run would wait its whole timeout and be charged that time's background too (the 100k
// report of 2026-12-06). A real process busy 40 ms of every 100 stands for such a background.

let child: ChildProcess | undefined;
afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = once(child, 'exit');
    child.kill();
    await exited;
  }
  child = undefined;
});

function busyBackground(): ProcessGroups {
  const burn = 'setInterval(() => { const end = Date.now() + 40; while (Date.now() < end); }, 100)';
  child = spawn(process.execPath, ['-e', burn], { stdio: 'ignore' });
  return { services: { busy: child.pid! }, postgres: async () => [] };
}

describe("the bench's CPU background", () => {
  it('measures a busy background and counts a platform back at it as idle, where the fixed share never would', async () => {
    const groups = busyBackground();
    const background = await backgroundRate(groups, 2);
    // 40 % of a core, give or take the machine's other work: far above the fixed idle share (10 %).
    expect(background.busy).toBeGreaterThan(150);
    expect(await waitUntilQuiet(groups, 3_000, 1)).toBeNull();
    expect(await waitUntilQuiet(groups, 15_000, 1, 0.1, background.busy)).not.toBeNull();
  }, 60_000);

  it('charges a run only what each process used beyond its background, never below zero', () => {
    expect(beyondBackground({ gateway: 900, postgres: 100 }, { gateway: 50, postgres: 80 }, 4)).toEqual({ gateway: 700, postgres: 0 });
  });
});
