import { describe, expect, it } from '@jest/globals';
import { rejectForgedCursor } from './keyset.js';

describe('a forged cursor the database refuses', () => {
  const plan = { forward: true, limit: 20, cursor: [12345, '0b8f6a52-3c1e-4e8e-9f4a-2d1c7e5b9a10'] };

  it.each(['22P02', '22007', '22008', '42883'])('is a cursor of another list when PostgreSQL answers %s', (code) => {
    expect(() => rejectForgedCursor(plan)({ code })).toThrow('This cursor belongs to another list');
  });

  it('is not blamed for any other failure, nor is a page without a cursor', () => {
    const outage = { code: '57P01' };
    expect(() => rejectForgedCursor(plan)(outage)).toThrow(expect.objectContaining(outage));
    expect(() => rejectForgedCursor({ ...plan, cursor: null })({ code: '42883' })).toThrow(expect.objectContaining({ code: '42883' }));
  });
});
