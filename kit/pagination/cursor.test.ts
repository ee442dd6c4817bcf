import { describe, expect, it } from '@jest/globals';
import { decodeCursor, encodeCursor, keysetCursor, pageOf, planKeyset } from './cursor.js';

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

describe('keyset cursors', () => {
  const id = '0b8f6a52-3c1e-4e8e-9f4a-2d1c7e5b9a10';

  it('are a sort value and a row id', () => {
    expect(keysetCursor(['2026-11-01T10:00:00.000Z', id])).toEqual(['2026-11-01T10:00:00.000Z', id]);
    expect(keysetCursor([42, id])).toEqual([42, id]);
  });

  it.each([[['x']], [['x', 'not-a-uuid']], [['x', id, 'y']], [[1, 2]]])('refuses %p as a cursor of another list', (cursor) => {
    expect(() => keysetCursor(cursor)).toThrow('This cursor belongs to another list');
  });

  it('requires a text sort value when asked', () => {
    expect(() => keysetCursor([42, id], true)).toThrow('This cursor belongs to another list');
  });

  it('take a sort value of the type the list is sorted by', () => {
    expect(keysetCursor(['2026-11-01T10:00:00.000Z', id], 'time')).toEqual(['2026-11-01T10:00:00.000Z', id]);
    expect(keysetCursor([42, id], 'number')).toEqual([42, id]);
    expect(keysetCursor(['Nováková', id], 'text')).toEqual(['Nováková', id]);
  });

  // The database would refuse to compare them (42883: no operator for a timestamp and a number), a failure of ours.
  it.each([
    [12345, 'time'],
    [1e300, 'time'],
    ['yesterday', 'time'],
    ['42', 'number'],
    [42, 'text'],
  ] as const)('refuse %p for a list sorted by %s as a cursor of another list', (sortValue, sort) => {
    expect(() => keysetCursor([sortValue, id], sort)).toThrow('This cursor belongs to another list');
  });
});

describe('pages cut from rows in walk order', () => {
  const edgeOf = (n: number) => ({ node: n, cursor: `c${n}` });

  it('keep limit rows forward and tell there is more', () => {
    const page = pageOf([1, 2, 3], { forward: true, limit: 2, cursor: null }, edgeOf);
    expect(page.edges.map((e) => e.node)).toEqual([1, 2]);
    expect(page.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: false, startCursor: 'c1', endCursor: 'c2' });
  });

  it('turn a backward walk back into list order', () => {
    const page = pageOf([5, 4, 3], { forward: false, limit: 2, cursor: ['x', 'y'] }, edgeOf);
    expect(page.edges.map((e) => e.node)).toEqual([4, 5]);
    expect(page.pageInfo).toEqual({ hasNextPage: true, hasPreviousPage: true, startCursor: 'c4', endCursor: 'c5' });
  });
});
