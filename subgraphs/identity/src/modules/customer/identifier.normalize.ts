import { normalizeEmail, normalizePhone } from '@crm/kit/contact.js';
import { badInput } from '@crm/kit/errors.js';
import { IdentifierKind } from './identifier.entity.js';

/** The one form an identifier is stored and matched in. */
export function normalizeIdentifier(kind: IdentifierKind, raw: string): string {
  if (kind === IdentifierKind.EMAIL) return normalizeEmail(raw, 'emails');
  if (kind === IdentifierKind.PHONE) return normalizePhone(raw, 'phones');
  const value = raw.trim();
  if (!value) throw badInput(`A ${kind} identifier cannot be empty`, 'value');
  return value;
}
