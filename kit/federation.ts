import { isAbstractType, Kind, parse } from 'graphql';
import type { FieldNode, GraphQLResolveInfo, GraphQLSchema, SelectionNode } from 'graphql';
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
import { prepareArgumentValidation, VALIDATION_SETTINGS } from './validation.js';

const FEDERATION_LINK =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable", "@external", "@requires", "@provides", "@inaccessible"])';

// Reference resolvers receive the representation `{ __typename, id }`, the request context and the `_entities` field's info.
export type ReferenceResolvers = Record<string, { __resolveReference: (reference: { id: string }, context: never, info: GraphQLResolveInfo) => unknown }>;

/**
 * An entity other subgraphs point at, resolved for the gateway. `__resolveReference` runs outside type-graphql's
 * auth checks, so the permission is checked here, and `load` must return only rows the viewer may see (null for
 * the others), so no entity leaks through a reference.
 *
 * `loadKey`, when given, answers a reference asked for nothing but its `id` (`... on Customer { id }`: another
 * subgraph checking the ids a caller gave before it writes, a thousand at a time in a bulk call, ADR 16) with `{ id }`
 * read from the key alone, the id to store (a merged customer's survivor's), instead of a whole entity; it must
 * answer exactly the ids `load` would (null where `load` gives null).
 */
export function guardedReference<C extends RequestContext<unknown>>(
  typeName: string,
  permission: Permission,
  load: (id: string, context: C) => unknown,
  loadKey?: (id: string, context: C) => Promise<{ id: string } | null>,
): ReferenceResolvers {
  return {
    [typeName]: {
      __resolveReference: (reference: { id: string }, context: never, info: GraphQLResolveInfo) => {
        const ctx = context as C;
        requirePermission(ctx.viewer, permission, typeName);
        if (!isUuid(reference.id)) return null;
        const id = reference.id.toLowerCase();
        return loadKey && asksOnlyId(info, typeName) ? loadKey(id, ctx) : load(id, ctx);
      },
    },
  };
}

const ID_ONLY = new Set(['id', '__typename']);
/** Per `_entities` field of a document: every reference of one request is resolved with the same field nodes. */
const onlyIdAsked = new WeakMap<readonly FieldNode[], Map<string, boolean>>();

/** Whether the `_entities` selection asks `typeName` nothing but `id` (and `__typename`); anything it cannot tell is "no". */
function asksOnlyId(info: GraphQLResolveInfo, typeName: string): boolean {
  let byType = onlyIdAsked.get(info.fieldNodes);
  if (!byType) onlyIdAsked.set(info.fieldNodes, (byType = new Map()));
  let answer = byType.get(typeName);
  if (answer === undefined) {
    answer = info.fieldNodes.every((node) => !node.selectionSet || onlyIdIn(node.selectionSet.selections, info, typeName));
    byType.set(typeName, answer);
  }
  return answer;
}

function onlyIdIn(selections: readonly SelectionNode[], info: GraphQLResolveInfo, typeName: string): boolean {
  return selections.every((selection) => {
    if (selection.kind === Kind.FIELD) return ID_ONLY.has(selection.name.value);
    const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : info.fragments[selection.name.value];
    if (!fragment) return false;
    const on = fragment.typeCondition?.name.value;
    // A fragment on another object type does not apply; one on an abstract type (or none) might: it is read.
    if (on && on !== typeName && !isAbstractType(info.schema.getType(on))) return true;
    return onlyIdIn(fragment.selectionSet.selections, info, typeName);
  });
}

/**
 * type-graphql builds the schema from classes; it is printed with its directives (@key…)
 * and rebuilt as an Apollo subgraph so the gateway can compose it.
 */
export async function buildFederatedSchema(options: Omit<BuildSchemaOptions, 'validate'>, referenceResolvers: ReferenceResolvers = {}): Promise<GraphQLSchema> {
  assertAccessDeclared(options.resolvers as readonly Function[]);
  runMutationsInTransactions();
  prepareArgumentValidation();
  const schema = await buildSchema({
    ...options,
    authChecker,
    validate: { ...VALIDATION_SETTINGS },
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
