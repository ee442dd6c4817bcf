import { afterAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { MikroORM } from '@mikro-orm/postgresql';
import { openDatabase, type OrmOptions } from '@crm/kit/database.js';
import { createLogger } from '@crm/kit/logger.js';
import { identityEntities } from '../subgraphs/identity/src/entities.js';
import { identityMigrations } from '../subgraphs/identity/src/migrations/index.js';
import { salesEntities } from '../subgraphs/sales/src/entities.js';
import { salesMigrations } from '../subgraphs/sales/src/migrations/index.js';
import { marketingEntities } from '../subgraphs/marketing/src/entities.js';
import { marketingMigrations } from '../subgraphs/marketing/src/migrations/index.js';
import { serviceEntities } from '../subgraphs/service/src/entities.js';
import { serviceMigrations } from '../subgraphs/service/src/migrations/index.js';

// The entities describe exactly the schema the committed migrations build: on an up-to-date database,
// `npm run db:migration:create` finds nothing to write (no foreign key, index, default, column or trigger dropped).

const DEFINITIONS: Record<string, Pick<OrmOptions, 'entities' | 'migrations'>> = {
  identity: { entities: identityEntities, migrations: identityMigrations },
  sales: { entities: salesEntities, migrations: salesMigrations },
  marketing: { entities: marketingEntities, migrations: marketingMigrations },
  service: { entities: serviceEntities, migrations: serviceMigrations },
};

const prefix = `crm_t${randomBytes(4).toString('hex')}`;
const server = process.env.DATABASE_URL!;
const created: string[] = [];

afterAll(async () => {
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  for (const name of created) await admin.query(`drop database if exists "${name}" with (force)`);
  await admin.end();
});

describe('entities and migrations agree', () => {
  it.each(Object.keys(DEFINITIONS))('%s: the schema diff of a freshly migrated database is empty', async (subgraph) => {
    const name = `${prefix}_drift_${subgraph}`;
    created.push(name);
    const url = Object.assign(new URL(server), { pathname: `/${name}` }).toString();
    const orm: MikroORM = await openDatabase({ url, ...DEFINITIONS[subgraph]!, log: createLogger('schema-drift-test', { level: 'silent' }) });
    try {
      const diff = await orm.schema.getUpdateSchemaSQL({ wrap: false });
      expect(diff.trim()).toBe('');
    } finally {
      await orm.close();
    }
  });
});
