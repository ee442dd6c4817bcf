import { badInput } from './errors.js';

/** The release that removes the argument forms deprecated in this one (docs/conventions.md, the README's schema changelog). */
export const REMOVED_IN = '0.3';

/** The deprecation reason of an old argument: what to send instead, and when the old one goes. */
export const useInstead = (replacement: string) => `Use ${replacement}; removed in ${REMOVED_IN}`;

/** The description of an input that is optional only while the deprecated arguments beside it still work. */
export const inputRequiredFrom = (what: string) => `${what}; required from ${REMOVED_IN}, when the deprecated arguments go`;

/**
 * A mutation moved to the one convention (`id`, `version`, `input`) keeps its old loose arguments for one release,
 * deprecated. A caller sends one form or the other: the input when given, else the old arguments. Both at once, or
 * neither with a value the input requires, is BAD_USER_INPUT naming the field.
 */
export function inputOrDeprecated<T extends object>(
  input: T | null | undefined,
  deprecated: { [K in keyof T]?: T[K] | null },
  required: Array<keyof T & string> = [],
): T {
  const old = Object.entries(deprecated).filter(([, value]) => value !== null && value !== undefined);
  if (input && old.length > 0) {
    throw badInput(`Send input or the deprecated arguments (${old.map(([name]) => name).join(', ')}), not both`, old[0]![0]);
  }
  const given = (input ?? Object.fromEntries(old)) as T;
  for (const key of required) {
    if (given[key] === null || given[key] === undefined) throw badInput(`input.${key} is required`, `input.${key}`);
  }
  return given;
}
