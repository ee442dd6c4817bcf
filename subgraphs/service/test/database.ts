import type { MikroORM } from '@mikro-orm/postgresql';
import { ROLE_PERMISSIONS } from '@crm/kit/access/permissions.js';
import type { Viewer } from '@crm/kit/access/viewer.js';
import { freshSubgraphDatabase } from '../../../tests/helpers/subgraph-database.js';
import { serviceEntities } from '../src/entities.js';
import { serviceMigrations } from '../src/migrations/index.js';

/** A fresh, migrated service database on DATABASE_URL's server, dropped by `drop()`. */
export const freshServiceDatabase = (): Promise<{ orm: MikroORM; drop(): Promise<void> }> =>
  freshSubgraphDatabase({ name: 'service', entities: serviceEntities, migrations: serviceMigrations });

/**
 * A service agent as the gateway vouches for them (gateway/auth/authenticator.ts personViewer): their role's
 * permissions, and the cases of their lines of support and those assigned to them.
 */
export const serviceAgent = (id: string, lines: string[]): Viewer => ({
  id,
  kind: 'user',
  role: 'SERVICE_AGENT',
  permissions: ROLE_PERMISSIONS.SERVICE_AGENT,
  owners: null,
  unowned: true,
  lines,
  ip: null,
});
