import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { badInput } from '../../../../kit/errors.js';
import { IdentifierKind } from './identifier.entity.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const DEFAULT_PHONE_COUNTRY: CountryCode = 'CZ';

export function normalizeEmail(raw: string): string {
  const email = raw.trim().toLowerCase();
  if (!EMAIL.test(email) || email.length > 254) throw badInput(`"${raw}" is not a valid e-mail address`, 'emails');
  return email;
}

/** Phones are stored in E.164; numbers without a country prefix are read in the default country. */
export function normalizePhone(raw: string, defaultCountry: CountryCode): string {
  const phone = parsePhoneNumberFromString(raw.trim(), defaultCountry);
  if (!phone?.isValid()) throw badInput(`"${raw}" is not a valid phone number`, 'phones');
  return phone.number;
}

/** The one form an identifier is stored and matched in. */
export function normalizeIdentifier(kind: IdentifierKind, raw: string): string {
  if (kind === IdentifierKind.EMAIL) return normalizeEmail(raw);
  if (kind === IdentifierKind.PHONE) return normalizePhone(raw, DEFAULT_PHONE_COUNTRY);
  const value = raw.trim();
  if (!value) throw badInput(`A ${kind} identifier cannot be empty`, 'value');
  return value;
}
