/** `npm run compose`: writes schema/<subgraph>.graphql, schema/supergraph.graphql and schema/api.graphql. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { composeSchemaFiles } from './supergraph.js';

try {
  const files = await composeSchemaFiles();
  await mkdir('schema', { recursive: true });
  for (const [name, content] of Object.entries(files)) await writeFile(path.join('schema', name), content);
  console.log(
    `Composed ${Object.keys(files)
      .map((f) => `schema/${f}`)
      .join(', ')}`,
  );
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
