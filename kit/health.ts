import type { Express } from 'express';

/** What one dependency of a service (database, bus, consumers) says about itself. */
export interface CheckResult {
  ok: boolean;
  [detail: string]: unknown;
}

export type HealthCheck = () => Promise<CheckResult> | CheckResult;

const CHECK_TIMEOUT_MS = 2000;

/**
 * Liveness and readiness of one process. Live: the process answers (restart it when it does not).
 * Ready: every registered dependency answers in time (send it traffic only then). A database outage makes a
 * service not ready, never dead: it reconnects by itself when the server is back.
 */
export class Health {
  private readonly checks = new Map<string, HealthCheck>();
  private readonly startedAt = Date.now();

  constructor(private readonly service: string) {}

  /** Adds a readiness check; checks may be added after the server started listening. */
  add(name: string, check: HealthCheck): void {
    this.checks.set(name, check);
  }

  live() {
    return { status: 'ok', service: this.service, pid: process.pid, uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000) };
  }

  async ready(): Promise<{ status: 'ok' | 'unavailable'; service: string; checks: Record<string, CheckResult> }> {
    const entries = await Promise.all([...this.checks].map(async ([name, check]) => [name, await withTimeout(check)] as const));
    const checks = Object.fromEntries(entries);
    return { status: entries.every(([, result]) => result.ok) ? 'ok' : 'unavailable', service: this.service, checks };
  }

  /** `/health/live`, `/health/ready`, and `/health` (readiness, what health checks of deployments call). */
  mount(app: Express): void {
    app.get('/health/live', (_req, res) => {
      res.json(this.live());
    });
    const ready = async (_req: unknown, res: { status(code: number): { json(body: unknown): void } }) => {
      const report = await this.ready();
      res.status(report.status === 'ok' ? 200 : 503).json(report);
    };
    app.get('/health/ready', ready);
    app.get('/health', ready);
  }
}

async function withTimeout(check: HealthCheck): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckResult>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, error: `no answer within ${CHECK_TIMEOUT_MS} ms` }), CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([Promise.resolve().then(check), timeout]);
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : 'failed' };
  } finally {
    clearTimeout(timer);
  }
}
