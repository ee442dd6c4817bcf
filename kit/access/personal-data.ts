/**
 * Which entity properties hold personal data (`Class.property`), filled by @PersonalData: the same mark hides a
 * field from callers without pii:read and redacts its values in the audit log.
 */
const personal = new Set<string>();

export const markPersonal = (className: string, property: string) => personal.add(`${className}.${property}`);
export const isPersonal = (className: string, property: string) => personal.has(`${className}.${property}`);
export const REDACTED = '[personal data]';

/**
 * Fields that name or describe a person but stay readable to staff without pii:read (a name, free text someone
 * wrote): kept out of the audit log's before/after values, so an erasure leaves no copy there.
 */
export function redactInAudit(entity: { name: string }, properties: readonly string[]): void {
  for (const property of properties) markPersonal(entity.name, property);
}

/**
 * Free text under the names the platform gives it, on whichever entity: a description, notes, a comment, a body, a
 * subject, a reason (`reason`, `rejectionReason`, `exitReason`…). What someone wrote may name or quote a person
 * ("deliver to …"), so it never goes into the audit log, without each entity having to remember to list it.
 */
const FREE_TEXT = /^(description|notes?|comments?|body|subject|reason)$|Reason$/;

/** Whether the audit log keeps a property's values out: personal data, a name or free text. */
export const redactedInAudit = (className: string, property: string): boolean => isPersonal(className, property) || FREE_TEXT.test(property);
