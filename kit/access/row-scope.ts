import { DomainError, notFound } from '../errors.js';
import { parseId } from '../ids.js';
import { enumArray, pgArray, type SqlCondition } from '../sql.js';
import { ownsRow, worksCase, type Viewer } from './viewer.js';

/**
 * The sales rows a viewer may see, as SQL over an owner column: their own and their teammates' (and, for a
 * manager, the unowned queue). Every list, count and sum of leads, opportunities, quotes and activities adds it,
 * so a hidden row never shows through a total.
 */
export function ownerScopeSql(viewer: Viewer, ownerColumn: string): SqlCondition {
  if (viewer.owners === null) return { sql: 'true', params: [] };
  const mine = `${ownerColumn} = any(?::uuid[])`;
  return { sql: viewer.unowned ? `(${mine} or ${ownerColumn} is null)` : mine, params: [pgArray(viewer.owners)] };
}

/** The columns of the cases' table caseScopeSql compares, and the enum type of the line. */
export interface CaseScopeColumns {
  line: string;
  /** The enum type of `line`, e.g. case_line. */
  lineType: string;
  /** Its labels: a viewer's line the database does not know matches no case (as in worksCase). */
  lineValues: readonly string[];
  assignee: string;
}

/**
 * The cases a viewer may see: those of their lines of support and those assigned to them. The line is compared as
 * its enum type, never cast to text, so its index serves: PostgreSQL reads the line's and the assignee's index and
 * ORs them (a BitmapOr) instead of every case. A viewer's line the enum has not is left out (a cast would fail);
 * with no line left, the assignee alone.
 */
export function caseScopeSql(viewer: Viewer, columns: CaseScopeColumns): SqlCondition {
  if (viewer.lines === null) return { sql: 'true', params: [] };
  const assigned = `${columns.assignee} = ?`;
  const lines = viewer.lines.filter((line) => columns.lineValues.includes(line));
  if (lines.length === 0) return { sql: assigned, params: [viewer.id] };
  return { sql: `(${columns.line} = any(${enumArray(lines, columns.lineType)}) or ${assigned})`, params: [viewer.id] };
}

/** Joins conditions with `and` (undefined parts are left out). */
export function allOf(...conditions: Array<SqlCondition | undefined>): SqlCondition {
  const present = conditions.filter((c): c is SqlCondition => !!c && c.sql !== 'true');
  if (present.length === 0) return { sql: 'true', params: [] };
  return { sql: present.map((c) => `(${c.sql})`).join(' and '), params: present.flatMap((c) => c.params) };
}

/**
 * A row the viewer may not see is answered as if it did not exist (NOT_FOUND), so ids cannot be probed. Without
 * a viewer (the platform's own work: consumers, jobs) every row is visible.
 */
export function assertOwnsRow<T extends { ownerId?: string | null }>(row: T, viewer: Viewer | undefined, type: string, id: string): T {
  if (viewer && !ownsRow(viewer, row.ownerId)) throw notFound(type, id);
  return row;
}

export function assertWorksCase<T extends { line: string; assigneeId?: string | null }>(row: T, viewer: Viewer | undefined, type: string, id: string): T {
  if (viewer && !worksCase(viewer, row.line, row.assigneeId)) throw notFound(type, id);
  return row;
}

/**
 * The owner a viewer may give a record: without one named, a rep or manager gets it themselves (so it stays
 * theirs to see); a named one must be within their reach.
 */
export function ownerFor(viewer: Viewer, named: string | null | undefined, field = 'ownerId'): string | null {
  const ownerId = named ? parseId(named, 'User', field) : viewer.owners !== null && viewer.kind === 'user' ? viewer.id.toLowerCase() : null;
  if (!ownsRow(viewer, ownerId)) throw new DomainError('FORBIDDEN', 'You can give records only to yourself or the members of your teams', { field });
  return ownerId;
}
