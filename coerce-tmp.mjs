import { buildSchema, getVariableValues, parse } from 'graphql';
import { readFileSync } from 'node:fs';
const schema = buildSchema(readFileSync('/work/main/schema/api.graphql', 'utf8'));
const op = parse('mutation($input: [RecordInteractionInput!]!) { recordInteractions(input: $input) { accepted } }').definitions[0];
const input = Array.from({ length: 1000 }, (_, i) => ({ customerId: 'c0a8f1b2-1111-4222-8333-444455556666', channel: 'WEB', type: 'PAGE_VIEW', occurredAt: new Date().toISOString(), sourceSystem: 'loadh', externalEventId: String(i), properties: { page: '/modely/kodiaq', referrer: 'https://www.google.com/' } }));
for (let r = 0; r < 5; r++) { const t = performance.now(); for (let k = 0; k < 20; k++) { const res = getVariableValues(schema, op.variableDefinitions, { input }); if (res.errors) throw res.errors[0]; } console.log(((performance.now() - t) / 20 / 1000 * 1000).toFixed(2), 'µs/row'); }
