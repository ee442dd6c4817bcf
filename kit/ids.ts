import { badInput } from './errors.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are UUIDs; anything else is a client mistake, reported before touching the database. */
export function parseId(id: string, type: string, field = 'id'): string {
  if (!UUID.test(id)) throw badInput(`"${id}" is not a valid ${type} id`, field);
  return id.toLowerCase();
}

export const isUuid = (value: string): boolean => UUID.test(value);
