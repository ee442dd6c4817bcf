import {
  BREAK,
  GraphQLError,
  getNamedType,
  getNullableType,
  getOperationAST,
  getVariableValues,
  isCompositeType,
  isListType,
  Kind,
  parse,
  specifiedRules,
  validate,
  visit,
  type ASTNode,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ValidationContext,
} from 'graphql';
import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';
import { LRUCache } from 'lru-cache';
import type { GatewayContext } from '../subgraph-data-source.js';
import { isVariableDefinitionError, rootFieldNames } from '../client-schema.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '@crm/kit/pagination/cursor.js';
import type { ErrorCode } from '@crm/kit/errors.js';
import type { Viewer } from '@crm/kit/context.js';

/** What one operation may ask for; refused with a clear error before any subgraph is called. */
export interface QueryLimits {
  maxAliases: number;
  maxDepth: number;
  maxDirectives: number;
  maxTokens: number;
  /** Nodes an answer may hold, counting each list by the page it asks for (first/last). */
  maxCost: number;
  /** Production hides field suggestions and keeps introspection for admins. */
  production: boolean;
}

const PAGE_ARGUMENTS = ['first', 'last'] as const;
/** A page asked without a size gets the default page, and none is larger than the largest (kit/pagination.ts). */
const DEFAULT_PAGE = DEFAULT_PAGE_SIZE;
/** A plain list (e-mails, quote lines) is small. */
const PLAIN_LIST = 10;

/**
 * An answer's size: every object field costs 1 times how many of it come back; a connection or list field asked
 * with first/last counts that many (its `edges`/`nodes` are the same rows, not more), so nested pages
 * multiply: customers(first: 100) { interactions(first: 100) { … } } is 10,000 nodes before it is run.
 */
const sizeEstimator: ComplexityEstimator = ({ field, args, childComplexity }) => {
  // Introspection reads the schema, no records: GraphiQL's and codegen's full introspection query must pass.
  if (field.name === '__schema' || field.name === '__type') return 0;
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
  costsWorkedOut.count++;
  return getComplexity({ schema, query: document, variables: variables ?? {}, operationName: operationName ?? undefined, estimators: [sizeEstimator] });
}

/** How many times a cost was worked out rather than known (for tests). */
export const costsWorkedOut = { count: 0 };

/** The variables a document's cost depends on: page sizes (first/last) and @include/@skip conditions. */
const costVariables = new WeakMap<DocumentNode, string[]>();
function costVariablesOf(document: DocumentNode): string[] {
  let names = costVariables.get(document);
  if (names) return names;
  const found = new Set<string>();
  visit(document, {
    Argument(node) {
      if (![...PAGE_ARGUMENTS, 'if'].includes(node.name.value)) return false;
      visit(node.value, { Variable: (variable) => void found.add(variable.name.value) });
      return false;
    },
  });
  costVariables.set(document, (names = [...found].sort()));
  return names;
}

const costs = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, Map<string, number>>>();
/** Costs kept per document: one per operation and combination of page sizes asked (a handful in practice). */
const COSTS_PER_DOCUMENT = 100;
const ABSENT = '\u0000absent';

/**
 * operationCost, worked out once per schema, document, operation and values of the variables it depends on: the
 * same 360° query for another customer id costs the same, and walking its document with type information was a
 * twelfth of the gateway's time per request.
 *
 * Variables are coerced here only when the cost is worked out (getComplexity coerces them itself, and throws without
 * a code): a known cost was worked out with the same values of the variables it depends on. The rest are the
 * gateway's to check, which it does before planning, and Apollo Server answers its refusal as BAD_USER_INPUT with
 * 400, in the same words as refuseInvalidVariables. Checking them here as well coerced every variable twice: a
 * quarter of the gateway's time under bulk writes of 1,000 items a call (a CPU profile, ADR 12).
 */
export function knownCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | null | undefined,
  operationName?: string | null,
): number {
  let bySchema = costs.get(schema);
  if (!bySchema) costs.set(schema, (bySchema = new WeakMap()));
  let byKey = bySchema.get(document);
  if (!byKey) bySchema.set(document, (byKey = new Map()));
  const key = JSON.stringify([
    operationName ?? null,
    ...costVariablesOf(document).map((name) => (variables && Object.hasOwn(variables, name) ? variables[name] : ABSENT)),
  ]);
  let cost = byKey.get(key);
  if (cost === undefined) {
    refuseInvalidVariables(schema, operation, variables);
    cost = operationCost(schema, document, variables ?? undefined, operationName);
    if (byKey.size >= COSTS_PER_DOCUMENT) byKey.clear();
    byKey.set(key, cost);
  }
  return cost;
}

/**
 * Variables that do not coerce, refused as the client's bad input in graphql-js's words, located at their definition
 * as the gateway's own check locates them (Apollo Server's answer to it: BAD_USER_INPUT, 400).
 */
export function refuseInvalidVariables(schema: GraphQLSchema, operation: OperationDefinitionNode, variables: Record<string, unknown> | null | undefined): void {
  const invalid = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {}).errors?.[0];
  if (invalid) throw new GraphQLError(invalid.message, { nodes: invalid.nodes, extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } });
}

/** A variable the gateway's own check refused (Apollo Server's BAD_USER_INPUT, located at its definition). */
const isVariableRefusal = (error: GraphQLError): boolean => error.extensions.code === 'BAD_USER_INPUT' && isVariableDefinitionError(error);

const refused = (code: ErrorCode, message: string, details: Record<string, unknown> = {}) =>
  new GraphQLError(message, { extensions: { code, ...details, http: { status: 400 } } });

/** A NUL byte or half of a surrogate pair: text no person typed, and no database stores cleanly. */
const BAD_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Deeper input than any form or rule tree needs (a segment's groups nest 5 deep): refused before it is coerced. */
const MAX_INPUT_DEPTH = 24;

/** The first place in the variables with bad text (in a value or a key) or nested too deep, and what is wrong there. */
function findBadInput(value: unknown, path: string, depth = 0): { path: string; problem: string } | null {
  if (typeof value === 'string')
    return BAD_TEXT.test(value) ? { path, problem: 'holds a NUL byte or a broken character (a lone surrogate): send plain UTF-8 text' } : null;
  if (!value || typeof value !== 'object') return null;
  if (depth >= MAX_INPUT_DEPTH) return { path, problem: `nests deeper than ${MAX_INPUT_DEPTH} levels` };
  // A key is text the client sent too, and the database stores JSON keys as it stores values (interaction properties).
  if (!Array.isArray(value) && Object.keys(value).some((key) => BAD_TEXT.test(key)))
    return { path, problem: 'has a key that holds a NUL byte or a broken character (a lone surrogate): send plain UTF-8 text' };
  const entries: Array<[string, unknown]> = Array.isArray(value)
    ? value.map((item, i) => [`[${i}]`, item])
    : Object.entries(value).map(([key, item]) => [`.${key}`, item]);
  for (const [step, item] of entries) {
    const found = findBadInput(item, `${path}${step}`, depth + 1);
    if (found) return found;
  }
  return null;
}

/**
 * The document does not say which operation to run: operationName names none of its operations, or it has several
 * and none is named. graphql-js leaves this to execution, where the gateway had no operation to plan (it answered
 * INTERNAL_SERVER_ERROR, graphql-ws a message without a code): refused here, alike over HTTP and WebSocket.
 */
function unresolvedOperation(operationName: string | null | undefined): GraphQLError {
  // Quoted as JSON: a NUL or a broken character in the name is shown escaped, and a long name is cut.
  const message =
    operationName != null
      ? `The document has no operation named ${JSON.stringify(operationName.slice(0, 100))}`
      : 'The document has several operations: name the one to run in operationName';
  return refused('BAD_USER_INPUT', message, { field: 'operationName' });
}

/**
 * Where a literal stands, the way a client reads its operation: `createCustomer(input).firstName`, `$input.emails[0]`
 * (a variable's default), `fragment F: customer(id)`, `customer@include(if)`.
 */
function describePath(chain: readonly ASTNode[]): string {
  let text = '';
  let fresh = true; // nothing yet since the start or a fragment's name: the next field needs no dot
  chain.forEach((node, i) => {
    switch (node.kind) {
      case Kind.FRAGMENT_DEFINITION:
        text = `fragment ${node.name.value}: `;
        fresh = true;
        break;
      case Kind.VARIABLE_DEFINITION:
        text += `$${node.variable.name.value}`;
        fresh = false;
        break;
      case Kind.FIELD:
        text += `${fresh ? '' : '.'}${node.name.value}`;
        fresh = false;
        break;
      case Kind.DIRECTIVE:
        text += `@${node.name.value}`;
        fresh = false;
        break;
      case Kind.ARGUMENT:
        text += `(${node.name.value})`;
        break;
      case Kind.OBJECT_FIELD:
        text += `.${node.name.value}`;
        break;
      case Kind.LIST: {
        const item = chain[i + 1];
        if (item) text += `[${node.values.indexOf(item as (typeof node.values)[number])}]`;
        break;
      }
      default:
    }
  });
  return text.trim();
}

/** What badLiteral found in each document it was given. */
const badLiterals = new WeakMap<DocumentNode, string | null>();

/**
 * The first string literal with bad text anywhere in the document: every operation and fragment, arguments,
 * variables' defaults and directives alike (the whole document reaches the subgraphs, whatever it is made of).
 */
export function badLiteral(document: DocumentNode): string | null {
  // Apollo Server hands every request of the same text the same parsed document: one walk per document.
  const known = badLiterals.get(document);
  if (known !== undefined) return known;
  const found = findBadLiteral(document);
  badLiterals.set(document, found);
  return found;
}

function findBadLiteral(document: DocumentNode): string | null {
  let found: string | null = null;
  visit(document, {
    StringValue(node, _key, parent, _path, ancestors) {
      if (!BAD_TEXT.test(node.value)) return undefined;
      // `ancestors` stops above the parent; arrays among them are the lists of nodes (fields, values) themselves.
      found = describePath([...ancestors, parent, node].filter((a): a is ASTNode => !!a && !Array.isArray(a)));
      return BREAK;
    },
  });
  return found;
}

/** What a graphql-ws subscribe message carries. */
export interface OperationPayload {
  query: string;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
}

/** graphql-armor's own mask for field suggestions (what its Apollo plugin writes instead). */
const SUGGESTION_MASK = '[Suggestion hidden]';

/**
 * The gateway's limits, like a hardened GraphQL service: graphql-armor for aliases, depth, directives and tokens
 * (and no field suggestions in production), a cost limit from page sizes, no text with NUL bytes or lone surrogates,
 * and introspection only for admins in production. One implementation for both ways in: the Apollo plugins for
 * HTTP, and `prepare` for a subscription over WebSocket, with the same codes and messages.
 */
export function queryLimits(
  limits: QueryLimits,
  chargeCost?: (viewer: Viewer, cost: number) => Promise<unknown>,
  /** Gives a charge back: for a request whose variables the gateway refused after its known cost was charged. */
  refundCost?: (viewer: Viewer, cost: number) => Promise<unknown>,
) {
  // armor words its refusals "Syntax Error: Query depth limit…", though they are validation errors (and answered as
  // GRAPHQL_VALIDATION_FAILED): reported to the validation as armor would, without the misleading prefix.
  const reject = {
    propagateOnRejection: false,
    onReject: [
      (context: ValidationContext | null, error: GraphQLError) => context?.reportError(new GraphQLError(error.message.replace(/^Syntax Error: /, ''))),
    ],
  };
  const armor = new ApolloArmor({
    maxAliases: { n: limits.maxAliases, ...reject },
    maxDepth: { n: limits.maxDepth, flattenFragments: true, ...reject },
    maxDirectives: { n: limits.maxDirectives, ...reject },
    // Counted by graphql-js's own parser (parseOptions below): armor's parsing plugin answers a refusal with 500.
    maxTokens: { enabled: false },
    costLimit: { enabled: false }, // the cost here counts pages, see operationCost
    blockFieldSuggestion: { enabled: limits.production },
  }).protect();
  const parseOptions = { maxTokens: limits.maxTokens };

  /** The checks past parsing and validation: bad text, introspection, cost (then charged to the caller). The cost. */
  async function checkOperation(request: {
    schema: GraphQLSchema;
    document: DocumentNode;
    operation: OperationDefinitionNode;
    variables: Record<string, unknown> | null | undefined;
    operationName: string | null | undefined;
    viewer: Viewer;
    /** Over a socket nothing checks the variables after this: they are checked here before the charge. */
    checkVariables?: boolean;
  }): Promise<number> {
    const { schema, document, operation, variables, viewer } = request;
    const badVariable = findBadInput(variables ?? {}, 'variables');
    if (badVariable) throw refused('BAD_USER_INPUT', `${badVariable.path} ${badVariable.problem}`, { field: badVariable.path });
    const badText = badLiteral(document);
    if (badText)
      throw refused('BAD_USER_INPUT', `${badText} holds a NUL byte or a broken character (a lone surrogate): send plain UTF-8 text`, { field: badText });
    // Through fragments too: `{ ... on Query { __schema { … } } }` asks for the schema as much as `{ __schema { … } }`.
    const introspects = (rootFieldNames(operation, document) ?? []).some((name) => name === '__schema' || name === '__type');
    if (introspects && limits.production && viewer.role !== 'ADMIN') {
      throw new GraphQLError('Introspection is open to admins only; download the schema from the repository', {
        extensions: { code: 'FORBIDDEN', http: { status: 403 } },
      });
    }
    if (request.checkVariables) refuseInvalidVariables(schema, operation, variables);
    const cost = knownCost(schema, document, operation, variables, request.operationName);
    if (cost > limits.maxCost) {
      throw refused(
        'QUERY_TOO_COSTLY',
        `This query could return ${cost} records, more than ${limits.maxCost}: ask for smaller pages (first/last) or fewer nested lists`,
        { cost, maxCost: limits.maxCost },
      );
    }
    await chargeCost?.(viewer, cost);
    return cost;
  }

  const plugin: ApolloServerPlugin<GatewayContext> = {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, schema, operation, contextValue }) {
          if (!operation) throw unresolvedOperation(request.operationName);
          contextValue.cost = await checkOperation({
            schema,
            document,
            operation,
            variables: request.variables,
            operationName: request.operationName,
            viewer: contextValue.viewer,
          });
        },
        // The gateway checks the variables of an operation whose cost was known (and charged) before: refused, the
        // request asked for nothing, and the caller owes nothing for it.
        async didEncounterErrors({ errors, contextValue }) {
          if (contextValue.cost && errors.length > 0 && errors.every(isVariableRefusal)) await refundCost?.(contextValue.viewer, contextValue.cost);
        },
      };
    },
  };

  /** An error as the client gets it over a socket: the code HTTP answers with, no HTTP status, no suggestions in production. */
  const asAnswered = (error: GraphQLError, code?: ErrorCode): GraphQLError => {
    const { http: _status, ...extensions } = error.extensions;
    const message = limits.production ? error.message.replace(/Did you mean ".+"\?/g, SUGGESTION_MASK).trim() : error.message;
    return new GraphQLError(message, {
      nodes: error.nodes,
      source: error.source,
      positions: error.positions,
      extensions: { ...extensions, ...(code ? { code } : {}) },
    });
  };

  /**
   * Documents that parsed and validated, by their text, for each schema (a new supergraph starts afresh): a
   * dashboard's subscription is the same text on every socket, and ten thousand sockets coming back after a
   * gateway restart were ten thousand parses and validations of it. Over HTTP, Apollo Server keeps the same cache.
   */
  const validDocuments = new WeakMap<GraphQLSchema, LRUCache<string, DocumentNode>>();
  const VALID_DOCUMENTS_KEPT = 1000;

  /** The operation's document, parsed with the token limit and validated with graphql-js's and armor's rules. */
  function validDocument(schema: GraphQLSchema, query: string): DocumentNode | GraphQLError[] {
    let known = validDocuments.get(schema);
    if (!known) validDocuments.set(schema, (known = new LRUCache<string, DocumentNode>({ max: VALID_DOCUMENTS_KEPT })));
    const cached = known.get(query);
    if (cached) return cached;
    let document: DocumentNode;
    try {
      document = parse(query, parseOptions);
    } catch (error) {
      if (error instanceof GraphQLError) return [asAnswered(error, 'GRAPHQL_PARSE_FAILED')];
      throw error;
    }
    const invalid = validate(schema, document, [...specifiedRules, ...armor.validationRules]);
    if (invalid.length > 0) return invalid.map((error) => asAnswered(error, 'GRAPHQL_VALIDATION_FAILED'));
    known.set(query, document);
    return document;
  }

  /**
   * The same limits for an operation that arrives over WebSocket (graphql-ws `onSubscribe`): parsed with the token
   * limit (GRAPHQL_PARSE_FAILED), validated with graphql-js's and armor's rules (GRAPHQL_VALIDATION_FAILED), then
   * the checks above; the document to run, or the errors to answer with. The socket serves subscriptions only.
   */
  async function prepare(schema: GraphQLSchema, payload: OperationPayload, viewer: Viewer): Promise<{ document: DocumentNode } | GraphQLError[]> {
    const document = validDocument(schema, payload.query);
    if (Array.isArray(document)) return document;
    const operation = getOperationAST(document, payload.operationName);
    if (!operation) return [asAnswered(unresolvedOperation(payload.operationName))];
    // graphql-ws would run a query or mutation on the subscription schema, where nothing resolves them (the gateway
    // plans them over HTTP): "Cannot return null for non-nullable field", no code. As HTTP refuses a subscription.
    if (operation.operation !== 'subscription') {
      const what = operation.operation === 'query' ? 'Queries' : 'Mutations';
      return [asAnswered(refused('BAD_REQUEST', `${what} run over HTTP, not WebSocket: POST them to /graphql; this socket serves subscriptions`))];
    }
    try {
      await checkOperation({ schema, document, operation, variables: payload.variables, operationName: payload.operationName, viewer, checkVariables: true });
    } catch (error) {
      if (error instanceof GraphQLError) return [asAnswered(error)];
      throw error;
    }
    return { document };
  }

  // graphql-armor is typed against @apollo/server's CommonJS build, this gateway loads its ES module: same plugin shape.
  const armorPlugins = armor.plugins as unknown as Array<ApolloServerPlugin<GatewayContext>>;
  return { plugins: [...armorPlugins, plugin], validationRules: armor.validationRules, parseOptions, prepare };
}
