import {
  GraphQLError,
  getNamedType,
  getNullableType,
  isCompositeType,
  isListType,
  Kind,
  type DocumentNode,
  type OperationDefinitionNode,
  type ValueNode,
} from 'graphql';
import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';
import type { GatewayContext } from '../subgraph-data-source.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '@crm/kit/pagination/cursor.js';
import type { ErrorCode } from '@crm/kit/errors.js';

/** What one operation may ask for; refused with a clear error before any subgraph is called. */
export interface QueryLimits {
  maxAliases: number;
  maxDepth: number;
  maxDirectives: number;
  maxTokens: number;
  /** Nodes an answer may hold, counting each list by the page it asks for (first/last/limit). */
  maxCost: number;
  /** Production hides field suggestions and keeps introspection for admins. */
  production: boolean;
}

const PAGE_ARGUMENTS = ['first', 'last', 'limit'] as const;
/** A page asked without a size gets the default page, and none is larger than the largest (kit/pagination.ts). */
const DEFAULT_PAGE = DEFAULT_PAGE_SIZE;
/** A plain list (e-mails, quote lines) is small. */
const PLAIN_LIST = 10;

/**
 * An answer's size: every object field costs 1 times how many of it come back; a connection or list field asked
 * with first/last/limit counts that many (its `edges`/`nodes` are the same rows, not more), so nested pages
 * multiply: customers(first: 100) { interactions(first: 100) { … } } is 10,000 nodes before it is run.
 */
const sizeEstimator: ComplexityEstimator = ({ field, args, childComplexity }) => {
  const type = getNullableType(field.type);
  if (!isCompositeType(getNamedType(type))) return 0;
  const asked = PAGE_ARGUMENTS.map((name) => args[name]).find((value) => typeof value === 'number');
  const isPaged = field.args.some((arg) => (PAGE_ARGUMENTS as readonly string[]).includes(arg.name));
  // A size past the largest page is refused by the subgraph with its own message; it costs the largest page here.
  const many =
    typeof asked === 'number'
      ? Math.min(Math.max(asked, 1), MAX_PAGE_SIZE)
      : isPaged
        ? DEFAULT_PAGE
        : isListType(type) && !['edges', 'nodes'].includes(field.name)
          ? PLAIN_LIST
          : 1;
  return many * (1 + childComplexity);
};

export function operationCost(
  schema: Parameters<typeof getComplexity>[0]['schema'],
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  operationName?: string | null,
): number {
  return getComplexity({ schema, query: document, variables: variables ?? {}, operationName: operationName ?? undefined, estimators: [sizeEstimator] });
}

const refused = (code: ErrorCode, message: string, details: Record<string, unknown> = {}) =>
  new GraphQLError(message, { extensions: { code, ...details, http: { status: 400 } } });

/** A NUL byte or half of a surrogate pair: text no person typed, and no database stores cleanly. */
const BAD_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Deeper input than any form or rule tree needs (a segment's groups nest 5 deep): refused before it is coerced. */
const MAX_INPUT_DEPTH = 24;

/** The first place in the variables with bad text or nested too deep, and what is wrong there. */
function findBadInput(value: unknown, path: string, depth = 0): { path: string; problem: string } | null {
  if (typeof value === 'string')
    return BAD_TEXT.test(value) ? { path, problem: 'holds a NUL byte or a broken character (a lone surrogate): send plain UTF-8 text' } : null;
  if (!value || typeof value !== 'object') return null;
  if (depth >= MAX_INPUT_DEPTH) return { path, problem: `nests deeper than ${MAX_INPUT_DEPTH} levels` };
  const entries: Array<[string, unknown]> = Array.isArray(value)
    ? value.map((item, i) => [`[${i}]`, item])
    : Object.entries(value).map(([key, item]) => [`.${key}`, item]);
  for (const [step, item] of entries) {
    const found = findBadInput(item, `${path}${step}`, depth + 1);
    if (found) return found;
  }
  return null;
}

function badLiteral(operation: OperationDefinitionNode): string | null {
  let found: string | null = null;
  const visit = (value: ValueNode, path: string): void => {
    if (found) return;
    if (value.kind === Kind.STRING && BAD_TEXT.test(value.value)) found = path;
    if (value.kind === Kind.LIST) value.values.forEach((item, i) => visit(item, `${path}[${i}]`));
    if (value.kind === Kind.OBJECT) value.fields.forEach((f) => visit(f.value, `${path}.${f.name.value}`));
  };
  const walk = (selections: OperationDefinitionNode['selectionSet']['selections'], prefix: string) => {
    for (const selection of selections) {
      if (selection.kind !== Kind.FIELD) {
        if (selection.kind === Kind.INLINE_FRAGMENT) walk(selection.selectionSet.selections, prefix);
        continue;
      }
      const at = `${prefix}${selection.name.value}`;
      for (const arg of selection.arguments ?? []) visit(arg.value, `${at}(${arg.name.value})`);
      if (selection.selectionSet) walk(selection.selectionSet.selections, `${at}.`);
    }
  };
  walk(operation.selectionSet.selections, '');
  return found;
}

/**
 * The gateway's limits, like a hardened GraphQL service: graphql-armor for aliases, depth, directives and tokens
 * (and no field suggestions in production), a cost limit from page sizes, no text with NUL bytes or lone surrogates,
 * and introspection only for admins in production.
 */
export function queryLimits(limits: QueryLimits, chargeCost?: (context: GatewayContext, cost: number) => Promise<unknown>) {
  const armor = new ApolloArmor({
    maxAliases: { n: limits.maxAliases },
    maxDepth: { n: limits.maxDepth, flattenFragments: true },
    maxDirectives: { n: limits.maxDirectives },
    // Counted by graphql-js's own parser (parseOptions below): armor's parsing plugin answers a refusal with 500.
    maxTokens: { enabled: false },
    costLimit: { enabled: false }, // the cost here counts pages, see operationCost
    blockFieldSuggestion: { enabled: limits.production },
  }).protect();

  const plugin: ApolloServerPlugin<GatewayContext> = {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, schema, operation, contextValue }) {
          if (!operation) return;
          const badVariable = findBadInput(request.variables ?? {}, 'variables');
          if (badVariable) throw refused('BAD_USER_INPUT', `${badVariable.path} ${badVariable.problem}`, { field: badVariable.path });
          const badText = badLiteral(operation);
          if (badText)
            throw refused('BAD_USER_INPUT', `${badText} holds a NUL byte or a broken character (a lone surrogate): send plain UTF-8 text`, { field: badText });
          const introspects = operation.selectionSet.selections.some(
            (s) => s.kind === Kind.FIELD && (s.name.value === '__schema' || s.name.value === '__type'),
          );
          if (introspects && limits.production && contextValue.viewer.role !== 'ADMIN') {
            throw new GraphQLError('Introspection is open to admins only; download the schema from the repository', {
              extensions: { code: 'FORBIDDEN', http: { status: 403 } },
            });
          }
          const cost = operationCost(schema, document, request.variables, request.operationName);
          contextValue.cost = cost;
          if (cost > limits.maxCost) {
            throw refused(
              'QUERY_TOO_COSTLY',
              `This query could return ${cost} records, more than ${limits.maxCost}: ask for smaller pages (first/last) or fewer nested lists`,
              { cost, maxCost: limits.maxCost },
            );
          }
          await chargeCost?.(contextValue, cost);
        },
      };
    },
  };
  // graphql-armor is typed against @apollo/server's CommonJS build, this gateway loads its ES module: same plugin shape.
  const armorPlugins = armor.plugins as unknown as Array<ApolloServerPlugin<GatewayContext>>;
  return { plugins: [...armorPlugins, plugin], validationRules: armor.validationRules, parseOptions: { maxTokens: limits.maxTokens } };
}
