import { describe, expect, it } from '@jest/globals';
import { IdentifierKind } from './identifier.entity.js';
import { normalizeIdentifier } from './identifier.normalize.js';

describe('normalizeIdentifier', () => {
  it('normalizes by kind and trims the others', () => {
    expect(normalizeIdentifier(IdentifierKind.EMAIL, ' A@B.CZ')).toBe('a@b.cz');
    expect(normalizeIdentifier(IdentifierKind.PHONE, '601 123 456')).toBe('+420601123456');
    expect(normalizeIdentifier(IdentifierKind.EXTERNAL, '  dms:12345 ')).toBe('dms:12345');
    expect(normalizeIdentifier(IdentifierKind.DEVICE, 'Device-A')).toBe('Device-A');
  });

  it('rejects an empty device id', () => {
    expect(() => normalizeIdentifier(IdentifierKind.DEVICE, '   ')).toThrow('cannot be empty');
  });
});
