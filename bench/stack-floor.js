// The 360° query's floor on this machine: the same federated stack with nothing of ours on its path. Four bare
// subgraphs (@apollo/subgraph on Apollo Server's standalone HTTP server) answer the query's shape from constants (no
// database, no caller's token, no access policy, no ORM, no logging) and the stock @apollo/gateway composes them. What
// these five processes spend per query is what Apollo's gateway, four Apollo subgraphs and the loopback HTTP between
// them cost here; the platform's 360° query is printed next to it (bench/stack-floor.ts).
//
// `node bench/stack-floor.js subgraph <port> <name>`, or `gateway <port> <name>=<port>…` (it composes the subgraphs'
// schemas itself, as the platform's composition does from theirs).
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { ApolloGateway } from '@apollo/gateway';
import { composeServices } from '@apollo/composition';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import process from 'node:process';

const FEDERATION = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])';
const SCHEMAS = {
  identity: `${FEDERATION}
    type Customer @key(fields: "id") { id: ID! displayName: String! emails: [String!]! }
    type Query { customer(id: ID!): Customer }`,
  sales: `${FEDERATION}
    type Customer @key(fields: "id") { id: ID! opportunities(first: Int): OpportunityConnection! }
    type OpportunityConnection { edges: [OpportunityEdge!]! }
    type OpportunityEdge { node: Opportunity! }
    type Money { amount: String! currency: String! }
    type Owner { name: String! }
    type Opportunity { title: String! stage: String! amount: Money! owner: Owner }`,
  marketing: `${FEDERATION}
    enum InteractionChannel { EMAIL PHONE WEB }
    input InteractionFilter { channels: [InteractionChannel!] }
    type Customer @key(fields: "id") { id: ID! interactions(first: Int, filter: InteractionFilter): InteractionConnection! }
    type InteractionConnection { totalCount: Int! edges: [InteractionEdge!]! }
    type InteractionEdge { node: Interaction! }
    type Interaction { channel: InteractionChannel! type: String! occurredAt: String! }`,
  service: `${FEDERATION}
    type Customer @key(fields: "id") { id: ID! cases: CaseConnection! }
    type CaseConnection { totalCount: Int! }`,
};

// About what the benchmark's data set gives a customer: two deals, two of its e-mails and calls among more.
const customer = (id) => ({ id, displayName: 'Jan Novák', emails: ['jan.novak@example.cz'] });
const opportunity = (n) => ({
  node: { title: `Škoda Octavia Combi ${n}`, stage: 'Nabídka odeslána', amount: { amount: '28500.00', currency: 'EUR' }, owner: { name: 'Tomáš Dvořák' } },
});
const interaction = { node: { channel: 'EMAIL', type: 'EMAIL_OPENED', occurredAt: '2026-11-30T09:15:00.000Z' } };
const reference = ({ id }) => ({ id });
const RESOLVERS = {
  identity: { Query: { customer: (_, { id }) => customer(id) }, Customer: { __resolveReference: ({ id }) => customer(id) } },
  sales: { Customer: { __resolveReference: reference, opportunities: () => ({ edges: [opportunity(1), opportunity(2)] }) } },
  marketing: { Customer: { __resolveReference: reference, interactions: () => ({ totalCount: 13, edges: [interaction, interaction] }) } },
  service: { Customer: { __resolveReference: reference, cases: () => ({ totalCount: 1 }) } },
};

const [role, port, ...subgraphs] = process.argv.slice(2);
let server;
if (role === 'subgraph') {
  const name = subgraphs[0];
  const schema = buildSubgraphSchema({ typeDefs: parse(SCHEMAS[name]), resolvers: RESOLVERS[name] });
  server = new ApolloServer({ schema, plugins: [ApolloServerPluginInlineTraceDisabled()] });
} else {
  const services = subgraphs.map((pair) => {
    const [name, subgraphPort] = pair.split('=');
    return { name, url: `http://127.0.0.1:${subgraphPort}/`, typeDefs: parse(SCHEMAS[name]) };
  });
  const { supergraphSdl, errors } = composeServices(services);
  if (errors) throw new Error(errors.map((error) => error.message).join('\n'));
  server = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl }) });
}
await startStandaloneServer(server, { listen: { port: Number(port), host: '127.0.0.1' } });
for (const signal of ['SIGTERM', 'SIGINT']) process.once(signal, () => process.exit(0));
