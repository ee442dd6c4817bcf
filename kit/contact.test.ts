import { describe, expect, it } from '@jest/globals';
import { platformSettings } from './config.js';
import { countryCallingCode, normalizeEmail, normalizePhone } from './contact.js';

describe('contact normalization', () => {
  it('lower-cases and trims e-mails', () => {
    expect(normalizeEmail('  Jan.Novak@Example.CZ ')).toBe('jan.novak@example.cz');
  });

  it('writes phones in E.164, reading local numbers in the default country', () => {
    expect(normalizePhone('601 123 456')).toBe('+420601123456');
    expect(normalizePhone('+48 601 234 567')).toBe('+48601234567');
    expect(countryCallingCode()).toBe('420');
  });

  it("reads local numbers in the dealer's market when told (DEFAULT_PHONE_COUNTRY)", () => {
    expect(normalizePhone('601 234 567', 'phone', platformSettings.read({ DEFAULT_PHONE_COUNTRY: 'pl' }).DEFAULT_PHONE_COUNTRY)).toBe('+48601234567');
    expect(countryCallingCode('SK')).toBe('421');
  });

  it.each(['jan@', 'no-at-sign', 'a b@c.d'])('rejects the e-mail %p', (value) => {
    expect(() => normalizeEmail(value, 'emails')).toThrow(
      expect.objectContaining({
        message: `"${value}" is not a valid e-mail address`,
        extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'emails' }),
      }),
    );
  });

  it('rejects a phone that is not a number', () => {
    expect(() => normalizePhone('12')).toThrow('"12" is not a valid phone number');
  });
});
