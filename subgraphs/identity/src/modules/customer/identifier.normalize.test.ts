import { describe, expect, it } from '@jest/globals';
import { normalizeEmail, normalizePhone } from './identifier.normalize.js';

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
