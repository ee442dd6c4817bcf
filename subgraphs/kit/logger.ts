import { pino, type DestinationStream, type Logger } from 'pino';

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

/** `to` and `level` for a test that reads what is logged; services log to standard output. */
export function createLogger(service: string, options: { to?: DestinationStream; level?: string } = {}): Logger {
  const level = options.level ?? process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info');
  return pino({ name: service, level, serializers: { err: safeError } }, options.to);
}
