// The peer: Hive Gateway's runtime (@graphql-hive/gateway-runtime) over the same supergraph and the same subgraph
// processes, in its own process. The subgraphs take only calls the platform signed, so it signs, per request and per
// subgraph, the token our gateway would for the demo admin (BENCH_PEER_VIEWER_ID). It does not verify the client's
// token nor apply the access policy, the limits or the audit: less work than our gateway does.
//
// Plain JavaScript run with --conditions=production (the kit from its build), outside the TypeScript program: the
// runtime's types augment graphql's error extensions differently from the gateway's.
import { createServer } from 'node:http';
import process from 'node:process';
import { readFile } from 'node:fs/promises';
import { createGatewayRuntime } from '@graphql-hive/gateway-runtime';
import { DEFAULT_PORTS, portFor, SUBGRAPHS } from '@crm/kit/config.js';
import { signInternalToken } from '@crm/kit/access/internal-token.js';
import { ROLE_PERMISSIONS } from '@crm/kit/access/permissions.js';

/** @type {import('@crm/kit/access/viewer.js').Viewer} */
const viewer = {
  id: process.env.BENCH_PEER_VIEWER_ID ?? '',
  kind: 'user',
  role: 'ADMIN',
  permissions: ROLE_PERMISSIONS.ADMIN,
  owners: null,
  unowned: true,
  lines: null,
  ip: '127.0.0.1',
};

// The committed supergraph names the default ports; the bench's subgraphs listen elsewhere.
let supergraph = await readFile('schema/supergraph.graphql', 'utf8');
for (const name of SUBGRAPHS) {
  supergraph = supergraph.replaceAll(`http://localhost:${DEFAULT_PORTS[name]}/graphql`, `http://127.0.0.1:${portFor(name)}/graphql`);
}

const gateway = createGatewayRuntime({
  supergraph,
  logging: false,
  propagateHeaders: {
    fromClientToSubgraphs: async ({ subgraphName }) => ({ authorization: `Bearer ${await signInternalToken(viewer, subgraphName.toLowerCase())}` }),
  },
});
createServer(gateway).listen(Number(process.env.BENCH_PEER_PORT), '127.0.0.1');
// The runtime's own signal handling waits for more than a benchmark needs: the bench's SIGTERM ends it.
for (const signal of ['SIGTERM', 'SIGINT']) process.once(signal, () => process.exit(0));
