import { describe, expect, it } from '@jest/globals';
import { escapeLike, pgArray } from './sql.js';

describe('pgArray', () => {
  it('quotes values so commas and quotes stay inside one element', () => {
    expect(pgArray(['a', 'b,c', 'd"e'])).toBe('{"a","b,c","d\\"e"}');
  });
});

describe('escapeLike', () => {
  it('makes %, _ and \\ literal', () => {
    expect(escapeLike('50%_off\\')).toBe('50\\%\\_off\\\\');
  });
});
