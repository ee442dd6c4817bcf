import pg from 'pg';
import { Logger as WorkerLogger, run, runMigrations, type JobHelpers, type Runner, type TaskList } from 'graphile-worker';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Logger } from './logger.js';

/**
 * Durable background work (ADR 13): jobs are rows in the subgraph's own database (graphile-worker's
 * `graphile_worker` schema), added in the same transaction as the change that asks for them, run by any
 * replica (each job by one), retried with exponential backoff when they throw, and kept across restarts.
 */
export type JobTask = (payload: unknown, helpers: JobHelpers) => Promise<void>;

export interface JobDefinitions {
  tasks: Record<string, JobTask>;
  /** graphile-worker crontab lines, e.g. `* * * * * campaign-starts` (each tick runs once across replicas). */
  crontab?: string;
}

export interface JobOptions {
  /** Not before this time (the database's clock). */
  runAt?: Date;
  /** A second job with the same key replaces the waiting one instead of running twice. */
  jobKey?: string;
  maxAttempts?: number;
  /** Jobs of one queue run one at a time, in order. */
  queueName?: string;
}

export type { JobHelpers };

function workerLogger(log: Logger): WorkerLogger {
  return new WorkerLogger((scope) => (level, message, meta) => {
    const fields = { job: scope.taskIdentifier, jobId: scope.jobId, ...meta };
    if (level === 'error') log.error(fields, message);
    else if (level === 'warning') log.warn(fields, message);
    else log.debug(fields, message);
  });
}

function jobPool(url: string, max: number, log: Logger): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max, application_name: 'crm-jobs' });
  // Without listeners a database restart would kill the process (an idle pooled client's error, or a checked-out
  // one's); the worker reconnects by itself.
  pool.on('error', (error) => log.warn({ err: error }, 'job queue connection lost'));
  pool.on('connect', (client) => client.on('error', (error) => log.warn({ err: error }, 'job queue connection lost')));
  return pool;
}

/** Installs or upgrades graphile-worker's tables (safe when replicas start at once). */
export async function installJobQueue(url: string, log: Logger): Promise<void> {
  const pool = jobPool(url, 1, log);
  try {
    await runMigrations({ pgPool: pool, logger: workerLogger(log) });
  } finally {
    await pool.end();
  }
}

export interface JobRunner {
  stop(): Promise<void>;
}

/** Runs the subgraph's tasks until stopped; stopping waits for the jobs in hand (graceful). */
export async function startJobRunner(options: { url: string; jobs: JobDefinitions; log: Logger; concurrency: number }): Promise<JobRunner> {
  // One connection LISTENs for new jobs; the others run them.
  const pool = jobPool(options.url, options.concurrency + 1, options.log);
  let runner: Runner;
  try {
    runner = await run({
      pgPool: pool,
      taskList: options.jobs.tasks as TaskList,
      crontab: options.jobs.crontab ?? '',
      concurrency: options.concurrency,
      noHandleSignals: true,
      pollInterval: 1000,
      // graphile-worker names its statements by default, and a named statement lives on one server connection:
      // behind PgBouncer in transaction mode the next transaction meets another one, and every job failed to
      // complete ("prepared statement … does not exist"; tests/pgbouncer.e2e.test.ts). A job's few statements are
      // parsed again instead.
      noPreparedStatements: true,
      logger: workerLogger(options.log),
    });
  } catch (error) {
    await pool.end();
    throw error;
  }
  return {
    async stop() {
      await runner.stop();
      await pool.end();
    },
  };
}

const ADD_JOB = `select graphile_worker.add_job(?::text, ?::json, queue_name => ?::text, run_at => ?::timestamptz,
  max_attempts => ?::int, job_key => ?::text)`;

/**
 * Adds a job in the caller's transaction: it exists if and only if the change that asked for it commits.
 * Outside a transaction it would run before the change it is about is written, so that is refused.
 */
export async function enqueueJob(em: EntityManager, task: string, payload: object, options: JobOptions = {}): Promise<void> {
  if (!em.isInTransaction()) throw new Error(`enqueueJob(${task}) must run inside the transaction of the change it belongs to`);
  await em.execute(ADD_JOB, [
    task,
    JSON.stringify(payload),
    options.queueName ?? null,
    options.runAt ?? null,
    options.maxAttempts ?? null,
    options.jobKey ?? null,
  ]);
}

/** Many jobs of one task in one statement (a campaign's batch), in the caller's transaction. */
export async function enqueueJobs(em: EntityManager, task: string, payloads: readonly object[], options: Pick<JobOptions, 'maxAttempts'> = {}): Promise<void> {
  if (payloads.length === 0) return;
  if (!em.isInTransaction()) throw new Error(`enqueueJobs(${task}) must run inside the transaction of the change it belongs to`);
  await em.execute(`select graphile_worker.add_job(?::text, payload::json, max_attempts => ?::int) from jsonb_array_elements(?::jsonb) as payload`, [
    task,
    options.maxAttempts ?? null,
    JSON.stringify(payloads),
  ]);
}
