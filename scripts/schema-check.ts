/**
 * `npm run schema:check`: compares the client schema (schema/api.graphql, what `npm run compose` writes and the
 * gateway serves at /schema.graphql) with the last released one (schema/released.graphql) and fails on a breaking
 * change that schema/announced-breaking-changes.json does not announce. Dangerous and safe changes are listed.
 * `--current`, `--released` and `--announced` name other files (the tests plant changes in copies).
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { compareSchemas, describeReport, readAnnouncements } from './schema-changes.js';

const { values } = parseArgs({
  options: {
    current: { type: 'string', default: 'schema/api.graphql' },
    released: { type: 'string', default: 'schema/released.graphql' },
    announced: { type: 'string', default: 'schema/announced-breaking-changes.json' },
  },
});

try {
  const report = await compareSchemas(
    await readFile(values.released, 'utf8'),
    await readFile(values.current, 'utf8'),
    await readAnnouncements(values.announced),
  );
  console.log(`${values.current} against the last release, ${values.released}:\n`);
  console.log(describeReport(report));
  process.exit(report.unannounced.length ? 1 : 0);
} catch (error) {
  console.error(`schema:check could not run: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(2);
}
