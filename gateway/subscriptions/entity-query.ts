import {
  Kind,
  visit,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLResolveInfo,
  type SelectionSetNode,
  type VariableDefinitionNode,
} from 'graphql';

export const ENTITY_ID_VARIABLE = '__entityId';

/**
 * Turns the client's selection under a payload's entity into a query on the supergraph, e.g.
 * `opportunity { stage customer { cases { status } } }` → `query($id: ID!) { opportunity(id: $id) { stage customer { … } } }`,
 * with the fragments and variables it uses, so the gateway plans it across subgraphs like any query.
 */
export function entityQuery(info: GraphQLResolveInfo, rootField: string): { document: DocumentNode; variables: Record<string, unknown> } {
  const selectionSet = info.fieldNodes[0]!.selectionSet as SelectionSetNode;
  const fragments = usedFragments(selectionSet, info.fragments);
  const used = new Set<string>();
  for (const node of [selectionSet, ...fragments]) {
    visit(node, { Variable: (variable) => void used.add(variable.name.value) });
  }
  const variableDefinitions: VariableDefinitionNode[] = (info.operation.variableDefinitions ?? []).filter((d) =>
    used.has(d.variable.name.value),
  );
  const idVariable = ENTITY_ID_VARIABLE;
  const document: DocumentNode = {
    kind: Kind.DOCUMENT,
    definitions: [
      {
        kind: Kind.OPERATION_DEFINITION,
        operation: 'query' as never,
        name: { kind: Kind.NAME, value: 'SubscriptionEntity' },
        variableDefinitions: [
          {
            kind: Kind.VARIABLE_DEFINITION,
            variable: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: idVariable } },
            type: { kind: Kind.NON_NULL_TYPE, type: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: 'ID' } } },
          },
          ...variableDefinitions,
        ],
        selectionSet: {
          kind: Kind.SELECTION_SET,
          selections: [
            {
              kind: Kind.FIELD,
              name: { kind: Kind.NAME, value: rootField },
              alias: { kind: Kind.NAME, value: 'entity' },
              arguments: [
                {
                  kind: Kind.ARGUMENT,
                  name: { kind: Kind.NAME, value: 'id' },
                  value: { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: idVariable } },
                },
              ],
              selectionSet,
            },
          ],
        },
      },
      ...fragments,
    ],
  };
  const variables = Object.fromEntries([...used].filter((name) => name in info.variableValues).map((name) => [name, info.variableValues[name]]));
  return { document, variables };
}

function usedFragments(selectionSet: SelectionSetNode, all: Record<string, FragmentDefinitionNode>): FragmentDefinitionNode[] {
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

