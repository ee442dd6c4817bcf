import { describe, expect, it } from '@jest/globals';
import { Kind } from 'graphql';
import { DecimalScalar, LocalDateScalar } from './scalars.js';

describe('the Decimal scalar', () => {
  it('takes up to 14 digits before the point, as numeric(16,2) columns hold', () => {
    expect(DecimalScalar.parseValue('99999999999999.99')).toBe('99999999999999.99');
    expect(DecimalScalar.parseValue('-12.5')).toBe('-12.5');
  });

  it.each(['999999999999999', '100000000000000.00', '-999999999999999'])('refuses %p as BAD_USER_INPUT', (value) => {
    expect(() => DecimalScalar.parseValue(value)).toThrow(
      expect.objectContaining({ message: expect.stringContaining('at most 14 digits before the point'), extensions: { code: 'BAD_USER_INPUT' } }),
    );
  });
});

describe('the LocalDate scalar', () => {
  it('takes the dates graphql-scalars takes, from year 0001', () => {
    expect(LocalDateScalar.parseValue('0001-01-01')).toBe('0001-01-01');
    expect(LocalDateScalar.parseLiteral({ kind: Kind.STRING, value: '2026-02-28' }, {})).toBe('2026-02-28');
    expect(() => LocalDateScalar.parseValue('2026-02-30')).toThrow();
  });

  it('refuses year 0000, which PostgreSQL has no calendar for, as BAD_USER_INPUT', () => {
    const refusal = expect.objectContaining({ message: expect.stringContaining('the year must be 0001 or later'), extensions: { code: 'BAD_USER_INPUT' } });
    expect(() => LocalDateScalar.parseValue('0000-01-01')).toThrow(refusal);
    expect(() => LocalDateScalar.parseLiteral({ kind: Kind.STRING, value: '0000-12-31' }, {})).toThrow(refusal);
  });

  it('keeps graphql-scalars’ name and description, so the schema does not change', () => {
    expect(LocalDateScalar.name).toBe('LocalDate');
    expect(LocalDateScalar.description).toMatch(/^A local date string/);
  });
});
