import {
  Kind,
  OperationTypeNode,
  parse,
  print,
  visit,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLResolveInfo,
  type SelectionSetNode,
  type VariableDefinitionNode,
} from 'graphql';

/** A subscriber's selection under a payload's entity, as a query the gateway can run for any entity id. */
export interface EntitySelection {
  /** Equal for subscribers that would read exactly the same thing. */
  key: string;
  /** `query SubscriptionEntity(…variables) { entity: root(id: …) { …selection } }` plus the fragments it uses. */
  document: DocumentNode;
  variables: Record<string, unknown>;
  rootField: string;
  /** The entity type has a `version` (read along, to tell the event's version from a newer one). */
  versioned: boolean;
}

/**
 * Turns the client's selection under a payload's entity into a query on the supergraph, e.g.
 * `opportunity { stage customer { cases { status } } }` → `query { entity: opportunity(id: …) { stage customer { … } } }`,
 * with the fragments and variables it uses, so the gateway plans it across subgraphs like any query.
 * `info` is the subscription field's; every selection of `payloadField` under it is merged.
 */
export function entitySelection(info: GraphQLResolveInfo, payloadField: string, rootField: string, versioned: boolean): EntitySelection | null {
  const selections = payloadSelections(info.fieldNodes[0]!.selectionSet, payloadField, info.fragments);
  if (selections.length === 0) return null;
  const selectionSet: SelectionSetNode = { kind: Kind.SELECTION_SET, selections: selections.flatMap((set) => set.selections) };
  const fragments = usedFragments(selectionSet, info.fragments);
  const used = new Set<string>();
  for (const node of [selectionSet, ...fragments]) {
    visit(node, { Variable: (variable) => void used.add(variable.name.value) });
  }
  const variableDefinitions: VariableDefinitionNode[] = (info.operation.variableDefinitions ?? []).filter((d) => used.has(d.variable.name.value));
  const document: DocumentNode = {
    kind: Kind.DOCUMENT,
    definitions: [
      {
        kind: Kind.OPERATION_DEFINITION,
        operation: OperationTypeNode.QUERY,
        name: { kind: Kind.NAME, value: 'SubscriptionEntity' },
        variableDefinitions,
        selectionSet: {
          kind: Kind.SELECTION_SET,
          selections: [{ kind: Kind.FIELD, name: { kind: Kind.NAME, value: rootField }, alias: { kind: Kind.NAME, value: 'entity' }, selectionSet }],
        },
      },
      ...fragments,
    ],
  };
  const variables = Object.fromEntries([...used].filter((name) => name in info.variableValues).map((name) => [name, info.variableValues[name]]));
  return { key: `${print(document)}\u0000${JSON.stringify(variables)}`, document, variables, rootField, versioned };
}

/** Whether the subscriber selected `payloadField` of the payload at all. */
export function selectsField(info: GraphQLResolveInfo, payloadField: string): boolean {
  return payloadSelections(info.fieldNodes[0]!.selectionSet, payloadField, info.fragments).length > 0;
}

/** The gateway's own selection of an entity (e.g. `status owner { name }`), the same for every subscriber. */
export function fixedSelection(rootField: string, selection: string): EntitySelection {
  const document = parse(`query SubscriptionEntity { entity: ${rootField} { ${selection} } }`);
  return { key: `fixed\u0000${print(document)}`, document, variables: {}, rootField, versioned: false };
}

/** The selection sets of `payloadField` in a payload's selection, through inline fragments and fragment spreads. */
function payloadSelections(set: SelectionSetNode | undefined, payloadField: string, fragments: Record<string, FragmentDefinitionNode>): SelectionSetNode[] {
  const found: SelectionSetNode[] = [];
  for (const selection of set?.selections ?? []) {
    if (selection.kind === Kind.FIELD && selection.name.value === payloadField && selection.selectionSet) found.push(selection.selectionSet);
    if (selection.kind === Kind.INLINE_FRAGMENT) found.push(...payloadSelections(selection.selectionSet, payloadField, fragments));
    if (selection.kind === Kind.FRAGMENT_SPREAD) {
      found.push(...payloadSelections(fragments[selection.name.value]?.selectionSet, payloadField, fragments));
    }
  }
  return found;
}

/** The fragments a selection uses, transitively: what a query re-read from a subscription must carry along. */
export function usedFragments(selectionSet: SelectionSetNode, all: Record<string, FragmentDefinitionNode>): FragmentDefinitionNode[] {
  const found = new Map<string, FragmentDefinitionNode>();
  const pending: Array<SelectionSetNode> = [selectionSet];
  while (pending.length) {
    visit(pending.pop()!, {
      FragmentSpread: (spread) => {
        const fragment = all[spread.name.value];
        if (fragment && !found.has(fragment.name.value)) {
          found.set(fragment.name.value, fragment);
          pending.push(fragment.selectionSet);
        }
      },
    });
  }
  return [...found.values()];
}
