import {
  execute,
  GraphQLError,
  Kind,
  lexicographicSortSchema,
  printSchema,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { RequestHandler } from 'express';
import type { ApolloServerOptionsWithGateway, ApolloServerPlugin } from '@apollo/server';
import type { Viewer } from '@crm/kit/context.js';
import type { ApolloGateway } from '@apollo/gateway';
import { buildSubscriptionSchema } from './subscriptions/schema.js';

/** What Apollo Server takes as a gateway (@apollo/server-gateway-interface, reached through @apollo/server's types). */
type GatewayInterface = ApolloServerOptionsWithGateway<Record<string, unknown>>['gateway'];

/**
 * The schema clients see: the supergraph's API plus what the gateway serves beside it (subscriptions over graphql-ws,
 * the ErrorCode enum). Apollo Server validates every HTTP operation against it and answers introspection from it,
 * so GraphiQL, codegen from the live endpoint and IDE plugins see `Subscription`; queries and mutations are still
 * planned and run by the Apollo gateway on its own schema, as before.
 */
export class ClientSchemaGateway implements GatewayInterface {
  private clientSchema: GraphQLSchema | null = null;
  private sortedSdl: string | null = null;

  constructor(private readonly gateway: ApolloGateway) {}

  /** The client schema of the supergraph loaded last. */
  get schema(): GraphQLSchema {
    if (!this.clientSchema) throw new Error('The gateway has not loaded its supergraph yet');
    return this.clientSchema;
  }

  /**
   * The client SDL as `GET /schema.graphql` serves it: schema/api.graphql's types, fields and descriptions, sorted by
   * name (the gateway's own order depends on how it loaded the supergraph).
   */
  get sdl(): string {
    this.sortedSdl ??= `${printSchema(lexicographicSortSchema(this.schema)).trim()}\n`;
    return this.sortedSdl;
  }

  onSchemaLoadOrUpdate(callback: Parameters<GatewayInterface['onSchemaLoadOrUpdate']>[0]) {
    return this.gateway.onSchemaLoadOrUpdate(({ apiSchema, coreSupergraphSdl }) => {
      this.clientSchema = buildSubscriptionSchema(apiSchema);
      this.sortedSdl = null;
      callback({ apiSchema: this.clientSchema, coreSupergraphSdl });
    });
  }

  async load(options: Parameters<GatewayInterface['load']>[0]) {
    const { executor } = await this.gateway.load(options);
    // Introspection is answered here from the client schema: the gateway's own knows no Subscription type.
    const introspect = (requestContext: Parameters<NonNullable<typeof executor>>[0], document: DocumentNode) =>
      execute({ schema: this.schema, document, operationName: requestContext.operationName, variableValues: requestContext.request.variables });
    return {
      executor: async (requestContext: Parameters<NonNullable<typeof executor>>[0]) => {
        const { operation, document } = requestContext;
        if (isIntrospectionOnly(operation, document)) return firstVariableRefusal(await introspect(requestContext, document));
        const asked = operation.selectionSet.selections.filter((s) => s.kind === Kind.FIELD && (s.name.value === '__schema' || s.name.value === '__type'));
        if (asked.length === 0) return firstVariableRefusal(await executor!(requestContext));
        // Data and introspection in one operation: the gateway answers the data, this schema the introspection fields.
        const onlyIntrospection = { ...operation, selectionSet: { ...operation.selectionSet, selections: asked } };
        const [answered, introspected] = await Promise.all([
          executor!(requestContext),
          introspect(requestContext, { ...document, definitions: document.definitions.map((d) => (d === operation ? onlyIntrospection : d)) }),
        ]);
        const errors = [...(answered.errors ?? []), ...(introspected.errors ?? [])];
        return firstVariableRefusal({ ...answered, data: answered.data && { ...answered.data, ...introspected.data }, ...(errors.length ? { errors } : {}) });
      },
    };
  }

  stop() {
    return this.gateway.stop();
  }
}

/**
 * Variables refused (by the gateway's check or graphql-js's, before anything ran) answered with the first refusal, as
 * the cost limit answers them when it checks them (query-limits.ts): a bulk call of 1,000 bad items is one error, not
 * 1,000, and data asked beside introspection does not name each one twice.
 */
function firstVariableRefusal<R extends { data?: unknown; errors?: ReadonlyArray<GraphQLError> }>(result: R): R {
  const { errors } = result;
  if (result.data != null || !errors || errors.length < 2 || !errors.every(isVariableDefinitionError)) return result;
  return { ...result, errors: [errors[0]!] };
}

/** An error located at a variable's definition: its value was refused before anything ran. */
export const isVariableDefinitionError = (error: GraphQLError) => error.nodes?.length === 1 && error.nodes[0]!.kind === Kind.VARIABLE_DEFINITION;

/** True when every root field asked is `__schema`, `__type` or `__typename` (through fragments too). */
export function isIntrospectionOnly(operation: OperationDefinitionNode, document: DocumentNode): boolean {
  const fields = rootFieldNames(operation, document);
  return operation.operation === 'query' && fields !== null && fields.every((name) => name.startsWith('__'));
}

/** The root fields an operation asks for, through inline fragments and fragment spreads; null if one names no fragment. */
export function rootFieldNames(operation: OperationDefinitionNode, document: DocumentNode): string[] | null {
  const fragments = new Map(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d] as const] : [])));
  const names: string[] = [];
  const collect = (set: SelectionSetNode, seen: Set<string>): boolean =>
    set.selections.every((selection) => {
      if (selection.kind === Kind.FIELD) return names.push(selection.name.value) > 0;
      if (selection.kind === Kind.INLINE_FRAGMENT) return collect(selection.selectionSet, seen);
      const fragment = fragments.get(selection.name.value);
      if (!fragment || seen.has(fragment.name.value)) return false;
      return collect(fragment.selectionSet, new Set([...seen, fragment.name.value]));
    });
  return collect(operation.selectionSet, new Set()) ? names : null;
}

/**
 * A subscription posted over HTTP is refused with a pointer to graphql-ws (the schema has the type, so it validates):
 * subscriptions are served over WebSocket on the same path.
 */
export function subscriptionsOverWebSocket(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, request }) {
          if (operation?.operation !== 'subscription') return;
          const host = request.http?.headers.get('host') ?? '<gateway>';
          throw new GraphQLError(
            `Subscriptions run over WebSocket, not HTTP: connect a graphql-ws client (protocol graphql-transport-ws) to ws://${host}/graphql (wss:// behind TLS) with connectionParams { authorization: "Bearer <token>" }`,
            { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } },
          );
        },
      };
    },
  };
}

/**
 * `GET /schema.graphql`: the client SDL, subscriptions included (what introspection answers), for codegen and IDEs
 * that read a file. Like introspection it is open outside production and for admins only in production.
 */
export function schemaFile(
  gateway: ClientSchemaGateway,
  options: { production: boolean; viewerOf: (req: Parameters<RequestHandler>[0]) => Promise<Viewer> },
): RequestHandler {
  return async (req, res, next) => {
    try {
      if (options.production && (await options.viewerOf(req)).role !== 'ADMIN') {
        res
          .status(403)
          .json({ errors: [{ message: 'The schema is open to admins only; download it from the repository', extensions: { code: 'FORBIDDEN' } }] });
        return;
      }
      res.type('text/plain; charset=utf-8').send(gateway.sdl);
    } catch (error) {
      // Bad credentials: the authenticator's refusal (401/403) with its code, as over /graphql.
      if (error instanceof GraphQLError && error.extensions.http) {
        res
          .status((error.extensions.http as { status: number }).status)
          .json({ errors: [{ message: error.message, extensions: { code: error.extensions.code } }] });
      } else next(error);
    }
  };
}
