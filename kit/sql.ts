/** A SQL condition with `?` placeholders and the values for them, in order. */
export interface SqlCondition {
  sql: string;
  params: unknown[];
}

/**
 * MikroORM expands an array parameter into a list of placeholders; a PostgreSQL array literal
 * keeps it one parameter for `= any(?::type[])`.
 */
export function pgArray(values: readonly string[]): string {
  return `{${values.map((v) => `"${v.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
}

/** Makes user text literal inside a LIKE/ILIKE pattern (`%`, `_` and `\` lose their meaning). */
export const escapeLike = (text: string): string => text.replace(/[\\%_]/g, '\\$&');
