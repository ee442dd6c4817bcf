import { getCountryCallingCode, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/core';
import metadata from 'libphonenumber-js/min/metadata';
import { platform } from './config.js';
import { badInput } from './errors.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Numbers written without a country prefix are read in the dealer's market (setting DEFAULT_PHONE_COUNTRY). */
const defaultPhoneCountry = (): CountryCode => platform().DEFAULT_PHONE_COUNTRY;

/** E-mails are trimmed and lower-cased: the one form they are stored and matched in. */
export function normalizeEmail(raw: string, field = 'email'): string {
  const email = raw.trim().toLowerCase();
  if (!EMAIL.test(email) || email.length > 254) throw badInput(`"${raw}" is not a valid e-mail address`, field);
  return email;
}

/** Phones are stored in E.164; numbers without a country prefix are read in the default country. */
export function normalizePhone(raw: string, field = 'phone', defaultCountry: CountryCode = defaultPhoneCountry()): string {
  const phone = parsePhoneNumberFromString(raw.trim(), defaultCountry, metadata);
  if (!phone?.isValid()) throw badInput(`"${raw}" is not a valid phone number`, field);
  return phone.number;
}

export const countryCallingCode = (country: CountryCode = defaultPhoneCountry()): string => getCountryCallingCode(country, metadata);
