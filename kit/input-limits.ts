import { badInput } from './errors.js';

/** The longest search term taken: longer ones are no search a person types, and cost the database dearly. */
export const MAX_SEARCH_TERM = 200;

/** A search term trimmed, non-empty and at most MAX_SEARCH_TERM characters. */
export function searchTerm(query: string, field = 'query'): string {
  const term = query.trim();
  if (!term) throw badInput(`${field} must not be empty`, field);
  if (term.length > MAX_SEARCH_TERM) throw badInput(`${field} is at most ${MAX_SEARCH_TERM} characters`, field);
  return term;
}

/** How many hits a search returns: 1 to `max`, refused otherwise (never silently cut). */
export function hitCount(value: number, max: number, field = 'first'): number {
  if (!Number.isInteger(value) || value < 1 || value > max) throw badInput(`${field} must be between 1 and ${max}`, field);
  return value;
}

export interface JsonLimits {
  maxBytes: number;
  maxDepth: number;
  maxKeys: number;
}

/** Free-form JSON a client stores (e.g. an interaction's properties): bounded in size, depth and keys. */
export function checkJson(value: unknown, field: string, limits: JsonLimits = { maxBytes: 16_384, maxDepth: 8, maxKeys: 200 }): void {
  let keys = 0;
  const walk = (node: unknown, depth: number): void => {
    if (!node || typeof node !== 'object') return;
    if (depth > limits.maxDepth) throw badInput(`${field} nests deeper than ${limits.maxDepth} levels`, field);
    const children = Array.isArray(node) ? node : Object.values(node);
    if (!Array.isArray(node)) keys += children.length;
    if (keys > limits.maxKeys) throw badInput(`${field} has more than ${limits.maxKeys} keys`, field);
    for (const child of children) walk(child, depth + 1);
  };
  walk(value, 1);
  if (Buffer.byteLength(JSON.stringify(value ?? null)) > limits.maxBytes) throw badInput(`${field} is larger than ${limits.maxBytes} bytes`, field);
}
