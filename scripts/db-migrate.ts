/** `npm run db:migrate [-- <subgraph>]`: applies pending migrations (all subgraphs by default) on DATABASE_URL's server. */
import { databaseUrlFor, SUBGRAPHS } from '@crm/kit/config.js';
import { openDatabase } from '@crm/kit/database.js';
import { createLogger } from '@crm/kit/logger.js';
import { subgraphNamed } from './subgraphs.js';

const names = process.argv[2] && !process.argv[2].startsWith('--') ? [subgraphNamed(process.argv[2]).name] : SUBGRAPHS;
for (const name of names) {
  const definition = subgraphNamed(name);
  const orm = await openDatabase({
    url: databaseUrlFor(definition.name),
    entities: definition.entities,
    migrations: definition.migrations,
    log: createLogger(name),
  });
  if (process.argv.includes('--seed')) await orm.em.fork().transactional((em) => definition.seedDemoData(em, createLogger(name)));
  await orm.close();
  console.log(`${name}: up to date`);
}
