import path from 'node:path';
import { destination, pino, type DestinationStream, type Logger } from 'pino';
import { defineSettings, oneOf } from './settings.js';

export type { Logger };

/**
 * An error as the logs keep it: its kind, code and the first line of its message, and where it was thrown, never
 * a stack trace (house rule: none in answers or logs). A database error's detail, query and parameters, and a
 * validation message quoting the input, may hold personal data: they are not written (`"…"` quotes in a message
 * are blanked, and so is a run of seven digits or more: graphql-js quotes a number as it was given, and a phone
 * number or a birth date sent as one is personal data too; ports, counts, timeouts and line numbers stay).
 */
const firstLine = (text: string) =>
  text
    .split('\n')[0]!
    .replace(/"[^"]*"/g, '"…"')
    .replace(/[+-]?\d{7,}(?:\.\d+)?/g, '…')
    .slice(0, 300);

/** A stack frame's file and line: `    at fn (/app/kit/x.js:12:5)`, `    at file:///app/x.js:3:1`. */
const FRAME = /^ {4}at (?:.*\()?(?:file:\/\/)?([^()\s]+):(\d+):\d+\)?$/;

/**
 * Where an error comes from, in two fields instead of a trace: `at`, the first frame of the platform's own code
 * (its path relative to the working directory, the repository or the image's /app), and `library`, the package it
 * came out of when a library threw it (pg, @mikro-orm/core…). Enough to find the line; nothing of the machine's paths.
 */
export function errorOrigin(stack: string | undefined): { at?: string; library?: string } {
  let library: string | undefined;
  for (const line of stack?.split('\n') ?? []) {
    const [, file, lineNumber] = FRAME.exec(line) ?? [];
    if (!file || file.startsWith('node:')) continue;
    const packages = file.lastIndexOf('/node_modules/');
    if (packages >= 0) {
      const [scope, name] = file.slice(packages + '/node_modules/'.length).split('/');
      library ??= scope!.startsWith('@') ? `${scope}/${name}` : scope;
      continue;
    }
    return { at: `${path.relative(process.cwd(), file)}:${lineNumber}`, library };
  }
  return { library };
}

function safeError(error: unknown): Record<string, unknown> | string {
  if (typeof error === 'string') return firstLine(error);
  if (!(error instanceof Error)) return { message: 'non-error thrown' };
  const { code } = error as { code?: unknown };
  return {
    type: error.constructor.name,
    code: typeof code === 'string' || typeof code === 'number' ? code : undefined,
    message: firstLine(error.message),
    ...errorOrigin(error.stack),
  };
}

export const loggingSettings = defineSettings('logging', {
  LOG_LEVEL: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'info', 'how much the JSON logs say (npm test: silent)'),
});

const BATCH_BYTES = 4096;
const FLUSH_MS = 250;

/** `to` and `level` for a test that reads what is logged; services log to standard output. */
export function createLogger(service: string, options: { to?: DestinationStream; level?: string } = {}): Logger {
  // A bad LOG_LEVEL must not stop the logger that reports it: the start-up check names it.
  const level = options.level ?? (loggingSettings.problems().length === 0 ? loggingSettings.read().LOG_LEVEL : 'info');
  // Written asynchronously and in batches: a request does not wait on the terminal or the log file, and under load
  // one write carries many lines (a write per request line was 5-8 % of a subgraph's CPU under the 360° query).
  // Lines wait at most FLUSH_MS for a batch to fill; pino flushes what is pending when the process exits.
  const to = options.to ?? destination({ dest: 1, sync: false, minLength: BATCH_BYTES, periodicFlush: FLUSH_MS });
  return pino({ name: service, level, serializers: { err: safeError } }, to);
}
