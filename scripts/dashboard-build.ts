import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, open, readdir, rm, stat } from 'node:fs/promises';
import { setTimeout as pause } from 'node:timers/promises';
import path from 'node:path';

/** The dashboard's sources and where `vite build` leaves them (the gateway serves that folder under /dashboard). */
const SOURCES = ['dashboard/src', 'dashboard/index.html', 'dashboard/vite.config.ts'];
const BUILT = 'dashboard/dist/index.html';

async function newestChange(file: string): Promise<number> {
  const info = await stat(file).catch(() => null);
  if (!info) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  const entries = await readdir(file);
  return Math.max(info.mtimeMs, ...(await Promise.all(entries.map((entry) => newestChange(path.join(file, entry))))));
}

/** Why the dashboard must be built before it is served: never built, or a source changed since; null when current. */
export async function dashboardStaleness(): Promise<string | null> {
  const built = await stat(BUILT).catch(() => null);
  if (!built) return 'dashboard/dist is missing';
  const changed = Math.max(...(await Promise.all(SOURCES.map(newestChange))));
  return changed > built.mtimeMs ? 'its sources changed since dashboard/dist was built' : null;
}

/** `vite build` of the dashboard into dashboard/dist. */
export async function buildDashboard(): Promise<void> {
  const build = spawn(process.execPath, [path.resolve('node_modules/vite/bin/vite.js'), 'build', 'dashboard'], { stdio: 'inherit' });
  const [code] = (await once(build, 'exit')) as [number | null];
  if (code !== 0) throw new Error('vite build of the dashboard failed: see the errors above');
}

/** Held while one process builds: a second (another test worker, npm start) waits for that build instead. */
const LOCK = '.data/dashboard-build.lock';
const BUILD_TIMEOUT_MS = 120_000;

/** Builds the dashboard when it is missing or stale (telling `announce` why), once however many processes ask at the same time. */
export async function ensureDashboardBuilt(announce: (reason: string) => void = () => undefined): Promise<void> {
  const deadline = Date.now() + BUILD_TIMEOUT_MS;
  await mkdir(path.dirname(LOCK), { recursive: true });
  for (;;) {
    const reason = await dashboardStaleness();
    if (!reason) return;
    const lock = await open(LOCK, 'wx').catch(() => null);
    if (lock) {
      try {
        announce(reason);
        await buildDashboard();
      } finally {
        await lock.close();
        await rm(LOCK, { force: true });
      }
      return;
    }
    // Another process is building it; a lock older than any build is one a killed build left behind.
    const held = await stat(LOCK).catch(() => null);
    if (held && Date.now() - held.mtimeMs > BUILD_TIMEOUT_MS) await rm(LOCK, { force: true });
    if (Date.now() > deadline) throw new Error(`the dashboard was not built within ${BUILD_TIMEOUT_MS / 1000} s (is ${LOCK} left from a killed build?)`);
    await pause(250);
  }
}
