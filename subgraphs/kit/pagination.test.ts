import { describe, expect, it } from '@jest/globals';
import { decodeCursor, encodeCursor, pgArray, planKeyset } from './pagination.js';

describe('cursors', () => {
  it('round-trip sort values and ids', () => {
    const when = new Date('2026-11-01T10:00:00Z');
    expect(decodeCursor(encodeCursor([when, 'abc']))).toEqual(['2026-11-01T10:00:00.000Z', 'abc']);
  });

  it.each(['', 'garbage', Buffer.from('{"a":1}').toString('base64url'), Buffer.from('[]').toString('base64url')])('rejects %p as BAD_USER_INPUT', (cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) }));
  });
});

describe('keyset plans', () => {
  it('walks forward by default with the default page size', () => {
    expect(planKeyset({})).toEqual({ forward: true, limit: 20, cursor: null });
  });

  it('walks backward for last/before', () => {
    expect(planKeyset({ last: 5, before: encodeCursor([1, 'x']) })).toEqual({ forward: false, limit: 5, cursor: [1, 'x'] });
  });

  it('refuses first together with last', () => {
    expect(() => planKeyset({ first: 1, last: 1 })).toThrow('Pass either first or last, not both');
  });
});

describe('pgArray', () => {
  it('quotes values so commas and quotes stay inside one element', () => {
    expect(pgArray(['a', 'b,c', 'd"e'])).toBe('{"a","b,c","d\\"e"}');
  });
});
