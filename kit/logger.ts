import { destination, pino, type DestinationStream, type Logger } from 'pino';
import { defineSettings, oneOf } from './settings.js';

export type { Logger };

/**
 * An error as the logs keep it: its kind, code and the first line of its message, and where it was thrown. A
 * database error's detail, query and parameters, and a validation message quoting the input, may hold personal
 * data: they are not written (`"…"` quotes in a message are blanked).
 */
const firstLine = (text: string) =>
  text
    .split('\n')[0]!
    .replace(/"[^"]*"/g, '"…"')
    .slice(0, 300);

function safeError(error: unknown): Record<string, unknown> | string {
  if (typeof error === 'string') return firstLine(error);
  if (!(error instanceof Error)) return { message: 'non-error thrown' };
  const { code } = error as { code?: unknown };
  return {
    type: error.constructor.name,
    code: typeof code === 'string' || typeof code === 'number' ? code : undefined,
    message: firstLine(error.message),
    stack: error.stack
      ?.split('\n')
      .filter((line) => line.startsWith('    at '))
      .slice(0, 8)
      .join('\n'),
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
