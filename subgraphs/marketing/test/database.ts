import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { MikroORM } from '@mikro-orm/postgresql';
import { openDatabase } from '../../kit/database.js';
import { createLogger } from '../../kit/logger.js';
import { marketingEntities } from '../src/entities.js';
import { marketingMigrations } from '../src/migrations/index.js';

/** A fresh, migrated marketing database on DATABASE_URL's server, dropped by `drop()`. */
export async function freshMarketingDatabase(): Promise<{ orm: MikroORM; drop(): Promise<void> }> {
  const name = `crm_int${randomBytes(4).toString('hex')}_marketing`;
  const url = Object.assign(new URL(process.env.DATABASE_URL!), { pathname: `/${name}` }).toString();
  const orm = await openDatabase({ url, entities: marketingEntities, migrations: marketingMigrations, log: createLogger('test') });
  return {
    orm,
    drop: async () => {
      await orm.close();
      const admin = new pg.Client({ connectionString: Object.assign(new URL(url), { pathname: '/postgres' }).toString() });
      await admin.connect();
      try {
        await admin.query(`drop database if exists "${name}" with (force)`);
      } finally {
        await admin.end();
      }
    },
  };
}
