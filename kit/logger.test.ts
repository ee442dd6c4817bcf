import { Writable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { createLogger } from './logger.js';

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
});
