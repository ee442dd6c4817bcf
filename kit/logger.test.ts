import { Writable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { createLogger, errorOrigin } from './logger.js';

describe('the logs', () => {
  it('keep an error’s kind and first line, never the personal values a database error or a message quotes', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) });
    const log = createLogger('test', { to: sink, level: 'info' });
    const error = Object.assign(
      new Error('"jan.novak@example.cz" is not a valid e-mail address\ninsert into customer_identifier values (\'jan.novak@example.cz\')'),
      {
        code: '23505',
        detail: 'Key (value)=(jan.novak@example.cz) already exists.',
        parameters: ['jan.novak@example.cz'],
      },
    );
    log.error({ err: error }, 'failed');
    expect(lines.join('')).not.toContain('jan.novak');
    expect(JSON.parse(lines[0]!).err).toMatchObject({ type: 'Error', code: '23505', message: '"…" is not a valid e-mail address' });
  });

  it('blank a number long enough to be a phone number or a date that a message quotes, and keep shorter ones', () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) });
    const log = createLogger('test', { to: sink, level: 'info' });
    // As graphql-js words a number given where a text was expected (the value is the client's, as sent).
    log.error(
      { err: new Error('Variable "$input" got invalid value 420777123456 at "input.phone"; String cannot represent a non string value: +420777123456') },
      'refused',
    );
    log.error(
      { err: new Error('Expected value of type "LocalDate", found 19800131; connect ECONNREFUSED 127.0.0.1:5432 after 3 attempts, 300000 ms') },
      'refused',
    );
    const [phone, date] = lines.map((line) => (JSON.parse(line) as { err: { message: string } }).err.message);
    expect(lines.join('')).not.toMatch(/777123456|19800131/);
    expect(phone).toBe('Variable "…" got invalid value … at "…"; String cannot represent a non string value: …');
    expect(date).toBe('Expected value of type "…", found …; connect ECONNREFUSED 127.0.0.1:5432 after 3 attempts, 300000 ms');
  });
});

describe('where a logged error comes from', () => {
  const logged = (error: unknown): Record<string, unknown> => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) });
    createLogger('test', { to: sink, level: 'info' }).error({ err: error }, 'failed');
    return JSON.parse(lines[0]!).err as Record<string, unknown>;
  };

  it('names the line of the platform’s own code, relative to the repository, and no stack trace', () => {
    const err = logged(new Error('boom'));
    expect(err).not.toHaveProperty('stack');
    expect(err.at).toMatch(/^kit\/logger\.test\.ts:\d+$/);
    expect(JSON.stringify(err)).not.toContain(process.cwd());
  });

  it('names the library an error came out of, and the platform’s frame that called it', () => {
    let thrown: unknown;
    try {
      pino({ level: 'loudest' });
    } catch (error) {
      thrown = error;
    }
    expect(logged(thrown)).toMatchObject({ library: 'pino', at: expect.stringMatching(/^kit\/logger\.test\.ts:\d+$/) });
  });

  it('reads the frames of compiled code and of ES modules alike', () => {
    const stack = [
      'Error: x',
      '    at Client._handleErrorMessage (/srv/crm/node_modules/pg/lib/client.js:694:17)',
      '    at processTicksAndRejections (node:internal/process/task_queues:95:5)',
      '    at async Promise.all (index 0)',
      `    at file://${process.cwd()}/dist/kit/server.js:189:48`,
    ].join('\n');
    expect(errorOrigin(stack)).toEqual({ library: 'pg', at: 'dist/kit/server.js:189' });
    expect(errorOrigin(`Error: y\n    at /srv/crm/node_modules/@mikro-orm/core/EntityManager.js:1:1`)).toEqual({ library: '@mikro-orm/core' });
    expect(errorOrigin(undefined)).toEqual({});
  });
});
