import { describe, expect, it } from '@jest/globals';
import { IdentifierKind } from './identifier.entity.js';
import { normalizeEmail, normalizeIdentifier, normalizePhone } from './identifier.normalize.js';

describe('identifier normalization', () => {
  it('lower-cases and trims e-mails', () => {
    expect(normalizeEmail('  Jan.Novak@Example.CZ ')).toBe('jan.novak@example.cz');
  });

  it('writes phones in E.164, reading local numbers in the default country', () => {
    expect(normalizePhone('601 123 456', 'CZ')).toBe('+420601123456');
    expect(normalizePhone('+48 601 234 567', 'CZ')).toBe('+48601234567');
  });

  it.each(['jan@', 'no-at-sign', 'a b@c.d'])('rejects the e-mail %p', (value) => {
    expect(() => normalizeEmail(value)).toThrow('is not a valid e-mail address');
  });

  it('rejects a phone that is not a number', () => {
    expect(() => normalizePhone('12', 'CZ')).toThrow('is not a valid phone number');
  });
});

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
