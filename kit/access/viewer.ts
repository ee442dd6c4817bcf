import { DomainError } from '../errors.js';
import type { Permission, Role } from './permissions.js';

/**
 * Who is calling, as the gateway verified it and vouches for it in a signed token (internal-token.ts). Subgraphs
 * read it from that token only; nothing a client sends can set it.
 */
export interface Viewer {
  /** The user's id, the API key's id, `system:<service>`, or `anonymous`. */
  id: string;
  kind: 'anonymous' | 'user' | 'api-key' | 'system';
  /** A person's role (null for keys and services). */
  role: Role | null;
  permissions: readonly Permission[];
  /**
   * Row level for sales (leads, opportunities, quotes, activities): the owners whose rows the viewer sees, null
   * for every row. A rep sees their own and their teammates' rows; a manager their teams' rows and unowned ones.
   */
  owners: readonly string[] | null;
  /** Whether rows nobody owns yet (the routing queue) are visible under `owners`. */
  unowned: boolean;
  /** Row level for service: the lines of support whose cases the viewer sees (and those assigned to them); null for every case. */
  lines: readonly string[] | null;
  /** The client's address, as the gateway saw it (for the audit log and web-form throttling). */
  ip: string | null;
}

export const ANONYMOUS: Viewer = { id: 'anonymous', kind: 'anonymous', role: null, permissions: [], owners: [], unowned: false, lines: [], ip: null };

/** A service of the platform acting on its own (a consumer rebuilding a projection, the gateway looking up a caller). */
export const systemViewer = (service: string): Viewer => ({
  id: `system:${service}`,
  kind: 'system',
  role: null,
  permissions: ['platform:internal'],
  owners: null,
  unowned: true,
  lines: null,
  ip: null,
});

/** The platform acting for a person (e.g. the demo seed making the rep's records): every row, their id as the actor. */
export const actingFor = (userId: string): Viewer => ({ ...systemViewer('seed'), id: userId });

export const can = (viewer: Viewer, permission: Permission): boolean => viewer.kind === 'system' || viewer.permissions.includes(permission);

/** Refuses before anything is touched: UNAUTHENTICATED for nobody, FORBIDDEN naming what is missing otherwise. */
export function requirePermission(viewer: Viewer, permission: Permission, what: string): void {
  if (can(viewer, permission)) return;
  if (viewer.kind === 'anonymous') {
    throw new DomainError('UNAUTHENTICATED', `${what} needs a signed-in caller: send Authorization: Bearer <token or API key>`);
  }
  throw new DomainError('FORBIDDEN', `${what} needs the permission ${permission}`, { permission });
}

/** May the viewer see (and, with the write permission, change) a sales row owned by `ownerId`? */
export function ownsRow(viewer: Viewer, ownerId: string | null | undefined): boolean {
  if (viewer.owners === null) return true;
  if (!ownerId) return viewer.unowned;
  return viewer.owners.includes(ownerId.toLowerCase());
}

/** May the viewer see a case of `line` assigned to `assigneeId`? */
export function worksCase(viewer: Viewer, line: string, assigneeId: string | null | undefined): boolean {
  if (viewer.lines === null) return true;
  return viewer.lines.includes(line) || (!!assigneeId && assigneeId.toLowerCase() === viewer.id.toLowerCase());
}
