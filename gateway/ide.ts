import { createRequire } from 'node:module';
import path from 'node:path';
import express, { type Router } from 'express';

const require = createRequire(import.meta.url);
const packageDir = (name: string) => path.dirname(require.resolve(`${name}/package.json`));

/** GraphiQL served from node_modules, so the IDE works with no internet. */
export function graphiqlRouter(): Router {
  const router = express.Router();
  router.use('/ide/react', express.static(path.join(packageDir('react'), 'umd')));
  router.use('/ide/react-dom', express.static(path.join(packageDir('react-dom'), 'umd')));
  router.use('/ide/graphiql', express.static(packageDir('graphiql')));
  return router;
}

export function wantsIde(accept: string | undefined, query: unknown): boolean {
  return Boolean(accept?.includes('text/html')) && !(query && typeof query === 'object' && 'query' in query);
}

export const graphiqlPage = (endpoint: string) => `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <title>Customer platform · GraphiQL</title>
  <link rel="stylesheet" href="/ide/graphiql/graphiql.min.css" />
  <style>body { margin: 0; height: 100vh; } #graphiql { height: 100vh; }</style>
</head>
<body>
  <div id="graphiql">Loading the IDE…</div>
  <script src="/ide/react/react.production.min.js"></script>
  <script src="/ide/react-dom/react-dom.production.min.js"></script>
  <script src="/ide/graphiql/graphiql.min.js"></script>
  <script>
    const fetcher = GraphiQL.createFetcher({ url: ${JSON.stringify(endpoint)} });
    ReactDOM.createRoot(document.getElementById('graphiql')).render(
      React.createElement(GraphiQL, { fetcher, defaultEditorToolsVisibility: true }),
    );
  </script>
</body>
</html>`;
