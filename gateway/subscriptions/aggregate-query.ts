import { parse, print, visit, type DocumentNode, type GraphQLResolveInfo } from 'graphql';
import type { AggregateTopic } from './aggregate-topics.js';
import { usedFragments } from './entity-query.js';

/** A live aggregate's read: the subscriber's selection as a query of the supergraph, with their arguments. */
export interface AggregateQuery {
  /** Equal for subscribers that would read exactly the same thing (with the same access). */
  key: string;
  query: string;
  variables: Record<string, unknown>;
  /** The payload in the answer: data.aggregate, or data.aggregate[under]. */
  under?: string;
}

const PREFIX = '__aggregate_';

/**
 * `subscription { pipelineSummaryChanged(pipelineId: …, currency: …) { count stages { … } } }` →
 * `query LiveAggregate($__aggregate_pipelineId: ID!, …) { aggregate: pipelineSummary(pipelineId: $__aggregate_pipelineId, …) { count stages { … } } }`,
 * with the fragments and the client's variables the selection uses, so the gateway plans it like the query itself.
 */
export function aggregateQuery(info: GraphQLResolveInfo, topic: AggregateTopic, args: Record<string, unknown>): AggregateQuery {
  const selectionSet = info.fieldNodes[0]!.selectionSet!;
  const fragments = usedFragments(selectionSet, info.fragments);
  const used = new Set<string>();
  for (const node of [selectionSet, ...fragments]) visit(node, { Variable: (variable) => void used.add(variable.name.value) });
  const clientVariables = (info.operation.variableDefinitions ?? []).filter((d) => used.has(d.variable.name.value)).map((d) => print(d));
  const names = Object.keys(topic.query.arguments);
  const declared = [...names.map((name) => `$${PREFIX}${name}: ${topic.query.arguments[name]}`), ...clientVariables];
  const passed = names.map((name) => `${name}: $${PREFIX}${name}`).join(', ');
  const body = print(selectionSet);
  const inner = topic.query.under ? `{ ${topic.query.under} ${body} }` : body;
  const document: DocumentNode = parse(
    `query LiveAggregate${declared.length ? `(${declared.join(', ')})` : ''} { aggregate: ${topic.query.field}${passed ? `(${passed})` : ''} ${inner} }`,
  );
  const withFragments: DocumentNode = { ...document, definitions: [...document.definitions, ...fragments] };
  const query = print(withFragments);
  const variables: Record<string, unknown> = {};
  for (const name of names) variables[`${PREFIX}${name}`] = args[name] ?? null;
  for (const name of used) if (name in info.variableValues) variables[name] = info.variableValues[name];
  return { key: `${query}\u0000${JSON.stringify(variables)}`, query, variables, under: topic.query.under };
}
