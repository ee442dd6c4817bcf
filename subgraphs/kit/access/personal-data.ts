/**
 * Which entity properties hold personal data (`Class.property`), filled by @PersonalData: the same mark hides a
 * field from callers without pii:read and redacts its values in the audit log.
 */
const personal = new Set<string>();

export const markPersonal = (className: string, property: string) => personal.add(`${className}.${property}`);
export const isPersonal = (className: string, property: string) => personal.has(`${className}.${property}`);
export const REDACTED = '[personal data]';
