import { createRequire } from 'node:module';
import path from 'node:path';
import express, { type Router } from 'express';

const require = createRequire(import.meta.url);
const packageDir = (name: string) => path.dirname(require.resolve(`${name}/package.json`));
// graphql-ws exports no package.json: its folder is two up from its entry point (dist/index.cjs).
const graphqlWsDir = path.resolve(path.dirname(require.resolve('graphql-ws')), '..');

/** GraphiQL and the graphql-ws client served from node_modules, so the IDE works with no internet. */
export function graphiqlRouter(): Router {
  const router = express.Router();
  router.use('/ide/react', express.static(path.join(packageDir('react'), 'umd')));
  router.use('/ide/react-dom', express.static(path.join(packageDir('react-dom'), 'umd')));
  router.use('/ide/graphiql', express.static(packageDir('graphiql')));
  router.use('/ide/graphql-ws', express.static(path.join(graphqlWsDir, 'umd')));
  return router;
}

export function wantsIde(accept: string | undefined, query: unknown): boolean {
  return Boolean(accept?.includes('text/html')) && !(query && typeof query === 'object' && 'query' in query);
}

/**
 * GraphiQL with a way to say who is calling: a token field (any issuer's token or an API key) and, while the
 * development issuer runs, a picker of the demo users that fills it with a fresh token for the chosen one.
 * Queries and mutations go over HTTP; subscriptions over graphql-ws on the same path, with the token in
 * connection_init's { authorization } (a new token opens a new socket).
 */
export const graphiqlPage = (endpoint: string, options: { demoUsers: boolean; nonce: string }) => `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <title>Customer platform · GraphiQL</title>
  <link rel="stylesheet" href="/ide/graphiql/graphiql.min.css" />
  <style>
    body { margin: 0; height: 100vh; display: flex; flex-direction: column; font: 14px system-ui, sans-serif; }
    #caller { display: flex; gap: 8px; align-items: center; padding: 6px 12px; background: #f3f4f6; border-bottom: 1px solid #d1d5db; }
    #caller input { flex: 1; font: 12px monospace; }
    #graphiql { flex: 1; }
  </style>
</head>
<body>
  <form id="caller" onsubmit="return false">
    <label for="user">Call as</label>
    <select id="user" ${options.demoUsers ? '' : 'hidden'}><option value="">— pick a demo user —</option></select>
    <input id="token" placeholder="Bearer token or API key" autocomplete="off" />
  </form>
  <div id="graphiql">Loading the IDE…</div>
  <script src="/ide/react/react.production.min.js"></script>
  <script src="/ide/react-dom/react-dom.production.min.js"></script>
  <script src="/ide/graphiql/graphiql.min.js"></script>
  <script src="/ide/graphql-ws/graphql-ws.min.js"></script>
  <script nonce="${options.nonce}">
    const token = document.getElementById('token');
    const user = document.getElementById('user');
    token.value = localStorage.getItem('crm-token') || '';
    token.addEventListener('change', () => localStorage.setItem('crm-token', token.value.trim()));
    if (${options.demoUsers}) {
      fetch('/dev-issuer/demo-users').then((r) => r.json()).then((users) => {
        for (const u of users) user.add(new Option(u.name + ' (' + u.role + ')', u.token));
      });
      user.addEventListener('change', () => { token.value = user.value; localStorage.setItem('crm-token', user.value); });
    }
    const bearer = () => (token.value.trim() ? 'Bearer ' + token.value.trim().replace(/^Bearer\\s+/i, '') : null);
    const wsUrl = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + ${JSON.stringify(endpoint)};
    let socket = null; // one graphql-ws client per token: the token is read once, in connection_init
    const wsClient = () => {
      const authorization = bearer();
      if (socket && socket.authorization === authorization) return socket.client;
      if (socket) socket.client.dispose();
      const connectionParams = authorization ? { authorization } : {};
      socket = { authorization, client: graphqlWs.createClient({ url: wsUrl, connectionParams, retryAttempts: 0 }) };
      return socket.client;
    };
    // A failed subscription shows in the result pane: GraphQL errors as they came, a closed socket with its code.
    const failure = (error) =>
      Array.isArray(error) ? error
        : error && typeof error.code === 'number' ? [{ message: 'The socket closed: ' + error.code + ' ' + (error.reason || ''), extensions: { closeCode: error.code } }]
        : [{ message: String((error && error.message) || error) }];
    const isSubscription = (params, documentAST) => {
      const operations = ((documentAST && documentAST.definitions) || []).filter((d) => d.kind === 'OperationDefinition');
      const operation = params.operationName ? operations.find((d) => d.name && d.name.value === params.operationName) : operations[0];
      return operation ? operation.operation === 'subscription' : /^\\s*subscription\\b/.test(params.query);
    };
    const fetcher = async (params, options) => {
      if (isSubscription(params, options && options.documentAST)) {
        return {
          subscribe(observer) {
            const dispose = wsClient().subscribe(params, {
              next: (result) => observer.next(result),
              error: (error) => { observer.next({ errors: failure(error) }); observer.complete(); },
              complete: () => observer.complete(),
            });
            return { unsubscribe: dispose };
          },
        };
      }
      const headers = { 'content-type': 'application/json' };
      if (bearer()) headers.authorization = bearer();
      const response = await fetch(${JSON.stringify(endpoint)}, { method: 'POST', headers, body: JSON.stringify(params) });
      return response.json();
    };
    ReactDOM.createRoot(document.getElementById('graphiql')).render(
      React.createElement(GraphiQL, { fetcher, defaultEditorToolsVisibility: true }),
    );
  </script>
</body>
</html>`;
