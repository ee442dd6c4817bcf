import { describe, expect, it } from '@jest/globals';
import { enumArray, escapeLike, numbered, pgArray } from './sql.js';

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

describe('enumArray', () => {
  it('writes an enum filter into the statement, sorted and once each: one text per combination', () => {
    expect(enumArray(['PHONE', 'EMAIL', 'PHONE'], 'interaction_channel')).toBe(`'{EMAIL,PHONE}'::interaction_channel[]`);
    expect(enumArray(['EMAIL', 'PHONE'], 'interaction_channel')).toBe(enumArray(['PHONE', 'EMAIL'], 'interaction_channel'));
  });

  it('refuses anything but the names of enum values and of a type, so nothing a client wrote can reach the text', () => {
    expect(() => enumArray(["EMAIL'); drop table interaction; --"], 'interaction_channel')).toThrow();
    expect(() => enumArray(['email'], 'interaction_channel')).toThrow();
    expect(() => enumArray(['EMAIL?'], 'interaction_channel')).toThrow();
    expect(() => enumArray([], 'interaction_channel')).toThrow();
    expect(() => enumArray(['EMAIL'], 'interaction_channel[]; --')).toThrow();
  });
});

describe('numbered', () => {
  it('numbers the placeholders, keeps an escaped ? and leaves a text without values alone', () => {
    expect(numbered('a = ? and b = any(?::uuid[]) and c \\? d', 2)).toBe('a = $1 and b = any($2::uuid[]) and c ? d');
    expect(numbered('select ?', 0)).toBe('select ?');
  });
});
