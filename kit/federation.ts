import { parse } from 'graphql';
import type { GraphQLSchema } from 'graphql';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { buildSchema, createResolversMap, getMetadataStorage, UseMiddleware, type BuildSchemaOptions } from 'type-graphql';
import { mutationTransaction } from './mutations.js';
import { assertAccessDeclared, authChecker } from './access/decorators.js';
import type { Permission } from './access/permissions.js';
import { requirePermission } from './access/viewer.js';
import type { RequestContext } from './context.js';
import { isUuid } from './ids.js';
import { validateListArgumentsPerItem } from './validation.js';

const FEDERATION_LINK =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable", "@external", "@requires", "@provides", "@inaccessible"])';

// Reference resolvers receive the representation `{ __typename, id }` and the request context.
export type ReferenceResolvers = Record<string, { __resolveReference: (reference: { id: string }, context: never) => unknown }>;

/**
 * An entity other subgraphs point at, resolved for the gateway. `__resolveReference` runs outside type-graphql's
 * auth checks, so the permission is checked here, and `load` must return only rows the viewer may see (null for
 * the others), so no entity leaks through a reference.
 */
export function guardedReference<C extends RequestContext<unknown>>(
  typeName: string,
  permission: Permission,
  load: (id: string, context: C) => unknown,
): ReferenceResolvers {
  return {
    [typeName]: {
      __resolveReference: (reference: { id: string }, context: never) => {
        const ctx = context as C;
        requirePermission(ctx.viewer, permission, typeName);
        return isUuid(reference.id) ? load(reference.id.toLowerCase(), ctx) : null;
      },
    },
  };
}

/**
 * type-graphql builds the schema from classes; it is printed with its directives (@key…)
 * and rebuilt as an Apollo subgraph so the gateway can compose it.
 */
export async function buildFederatedSchema(options: Omit<BuildSchemaOptions, 'validate'>, referenceResolvers: ReferenceResolvers = {}): Promise<GraphQLSchema> {
  assertAccessDeclared(options.resolvers as readonly Function[]);
  runMutationsInTransactions();
  validateListArgumentsPerItem();
  const schema = await buildSchema({
    ...options,
    authChecker,
    validate: { forbidUnknownValues: false },
  });
  const resolvers = createResolversMap(schema) as GraphQLResolverMap<unknown>;
  for (const [typeName, reference] of Object.entries(referenceResolvers)) {
    resolvers[typeName] = { ...(resolvers[typeName] as object), ...reference } as GraphQLResolverMap<unknown>[string];
  }
  return buildSubgraphSchema({
    typeDefs: parse(`${FEDERATION_LINK}\n${printSchemaWithDirectives(schema)}`),
    resolvers,
  });
}

/** The mutations given mutationTransaction so far, by resolver class (a process may build several schemas). */
const transactional = new WeakMap<Function, Set<string>>();

/**
 * Every mutation runs in mutationTransaction, declared on each mutation (as `@UseMiddleware` would) rather than as a
 * global middleware: type-graphql wraps every field of a schema in a global middleware, a chain of promises per field
 * and per row (each plain property of a list of a hundred customers), where only mutations need it. Its auth check
 * still runs first, as for any middleware.
 */
function runMutationsInTransactions(): void {
  for (const { target, methodName } of getMetadataStorage().mutations) {
    const declared = transactional.get(target) ?? new Set<string>();
    if (declared.has(methodName)) continue;
    transactional.set(target, declared.add(methodName));
    UseMiddleware(mutationTransaction)(target.prototype as object, methodName, {});
  }
}
