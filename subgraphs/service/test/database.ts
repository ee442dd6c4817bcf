import { ROLE_PERMISSIONS } from '@crm/kit/access/permissions.js';
import { systemViewer, type Viewer } from '@crm/kit/access/viewer.js';
import { subgraphDatabase, useFreshSubgraphDatabase, type SubgraphSchema } from '../../../tests/helpers/subgraph-database.js';
import { serviceEntities } from '../src/entities.js';
import { serviceMigrations } from '../src/migrations/index.js';

const service: SubgraphSchema = { name: 'service', entities: serviceEntities, migrations: serviceMigrations };

/**
 * The block's tests, a test file's or a describe's, get a fresh, migrated service database of their own
 * (tests/helpers/subgraph-database.ts). A describe that must see no other test's rows (a job that scans every case)
 * calls it again.
 */
export const useFreshServiceDatabase = () => useFreshSubgraphDatabase(service);

/**
 * The service database of the innermost block running now, for helpers a file declares once for describes that
 * each have a database of their own.
 */
export const { orm, em, write } = subgraphDatabase(service);

/** The platform with every row in sight, as the service desk and the seed act. */
export const desk = systemViewer('test');

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
