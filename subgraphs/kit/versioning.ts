import { conflict } from './errors.js';

/**
 * Updates carry the version the client last read. A stale one fails before any change; a race
 * between two writers is still caught at flush by MikroORM's optimistic lock (`where version = ?`).
 */
export function assertVersion(entity: { version: number; id: string }, expected: number, type: string): void {
  if (entity.version !== expected) {
    throw conflict(`${type} ${entity.id} was changed by someone else (now version ${entity.version}, you sent ${expected}); reload it and apply your change again`);
  }
}
