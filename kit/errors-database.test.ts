import { Writable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { GraphQLError } from 'graphql';
import { createErrorFormatter } from './errors.js';
import { createLogger } from './logger.js';

/** The formatter's answer to a database error thrown by a resolver (wrapped as graphql-js wraps it), and its log. */
function answer(databaseError: Error) {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) });
  const format = createErrorFormatter(createLogger('test', { to: sink, level: 'info' }));
  const error = new GraphQLError(databaseError.message, { path: ['createQuote'], originalError: databaseError });
  return { formatted: format({ message: error.message, path: ['createQuote'] }, error), log: lines.join('') };
}

/** As the ORM raises it: its own exception around the driver's error with the SQLSTATE. */
const driverError = (code: string, message: string) =>
  Object.assign(new Error(`insert into "quote" ("total_amount") values (1000000000000000) - ${message}`), {
    cause: Object.assign(new Error(message), { code }),
  });

describe('a value out of its column’s range, refused by the database', () => {
  it.each([
    ['22003', 'numeric field overflow'],
    ['22008', 'date/time field value out of range: "0000-01-01"'],
  ])('(%s) is BAD_USER_INPUT, without the SQL or the value', (code, message) => {
    const { formatted, log } = answer(driverError(code, message));
    expect(formatted).toEqual({
      message: 'A number or date in the input is out of the range that can be stored: send a smaller amount or a nearer date',
      path: ['createQuote'],
      extensions: { code: 'BAD_USER_INPUT' },
    });
    expect(log).toContain(code);
    expect(log).not.toMatch(/insert into|0000-01-01|1000000000000000/);
  });
});
