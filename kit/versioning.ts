import { conflict } from './errors.js';

/**
 * Updates carry the version the client last read. A stale one fails before any change; a race
 * between two writers is still caught at flush, where every UPDATE says `where version = ?` (batch updates
 * are off: see createOrm).
 */
export function assertVersion(entity: { version: number; id: string }, expected: number, type: string): void {
  if (entity.version !== expected) {
    throw conflict(
      `${type} ${entity.id} was changed by someone else (now version ${entity.version}, you sent ${expected}); reload it and apply your change again`,
    );
  }
}
