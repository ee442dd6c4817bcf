import {
  getNamedType,
  getNullableType,
  GraphQLError,
  isListType,
  isObjectType,
  Kind,
  OperationTypeNode,
  parse,
  print,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import { MAX_PAGE_SIZE } from '@crm/kit/pagination/cursor.js';

/** The variable the export pages with, and the aliases it adds to the client's connection. */
export const AFTER_VARIABLE = 'exportAfter';
export const PAGE_INFO_ALIAS = 'exportPageInfo';
export const TOTAL_ALIAS = 'exportTotalCount';

/** A client's export query, ready to be run page after page. */
export interface ExportPlan {
  /** The first page's operation: also asks the connection's totalCount, when it has one. */
  firstPage: string;
  /** Every later page's operation. */
  nextPages: string;
  operationName: string | undefined;
  /** Response keys from `data` down to the connection, e.g. ['customer', 'interactions']. */
  path: string[];
  /** The response keys of `edges` and `node` under the connection (a client may alias them). */
  edgesKey: string;
  nodeKey: string;
  /** The cursor the client starts after (their own `after`), if any. */
  startAfter: string | null;
  /** Dotted columns of a node for CSV, in the order the query selects them, e.g. `customer.displayName`. */
  columns: string[][];
  /** The connection field's name, for the file name. */
  name: string;
}

const refuse = (message: string, field = 'query') => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', field, http: { status: 400 } } });

const SINGLE_CONNECTION =
  'An export takes a query that selects one list: one field at each level down to a connection with edges { node { … } }, e.g. ' +
  '{ customers(filter: { kind: PERSON }) { edges { node { id displayName } } } }';

const isConnection = (type: GraphQLObjectType) => 'edges' in type.getFields() && 'pageInfo' in type.getFields();

/** The fields of a selection set, fragments spread in (the one field the export follows must be a plain field). */
function fieldsOf(set: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>): FieldNode[] {
  return set.selections.flatMap((selection: SelectionNode): FieldNode[] => {
    if (selection.kind === Kind.FIELD) return selection.name.value === '__typename' ? [] : [selection];
    if (selection.kind === Kind.INLINE_FRAGMENT) return fieldsOf(selection.selectionSet, fragments);
    const fragment = fragments.get(selection.name.value);
    return fragment ? fieldsOf(fragment.selectionSet, fragments) : [];
  });
}

const keyOf = (field: FieldNode) => field.alias?.value ?? field.name.value;

/**
 * Checks that the query selects exactly one connection (through single objects, e.g. one customer's
 * interactions) and turns it into the operations that read it page by page: the connection gets
 * `first` (the client's, else the largest page) and `after: $exportAfter`, and asks its pageInfo.
 */
export function planExport(schema: GraphQLSchema, query: string, operationName?: string): ExportPlan {
  const document = parse(query);
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
  if (!operation) throw refuse(operationName ? `The query has no operation named ${operationName}` : 'Send one operation, or name it with operationName');
  if (operation.operation !== OperationTypeNode.QUERY) throw refuse('An export reads: send a query, not a mutation or subscription');
  const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]));

  const path: FieldNode[] = [];
  let parent: GraphQLObjectType = schema.getQueryType()!;
  let set = operation.selectionSet;
  for (;;) {
    const fields = fieldsOf(set, fragments);
    if (fields.length !== 1 || set.selections.some((s) => s.kind !== Kind.FIELD)) throw refuse(SINGLE_CONNECTION);
    const field = fields[0]!;
    const definition = parent.getFields()[field.name.value];
    if (!definition) throw refuse(`${parent.name} has no field ${field.name.value}`);
    const type = getNamedType(definition.type);
    if (isListType(getNullableType(definition.type)) || !isObjectType(type) || !field.selectionSet) throw refuse(SINGLE_CONNECTION);
    path.push(field);
    if (isConnection(type)) {
      if (!definition.args.some((arg) => arg.name === 'after')) throw refuse(`${field.name.value} cannot be paged with after`);
      return planConnection(document, operation, path, type, fragments, operationName);
    }
    parent = type;
    set = field.selectionSet;
  }
}

function planConnection(
  document: DocumentNode,
  operation: OperationDefinitionNode,
  path: FieldNode[],
  type: GraphQLObjectType,
  fragments: Map<string, FragmentDefinitionNode>,
  operationName: string | undefined,
): ExportPlan {
  const connection = path.at(-1)!;
  const argument = (name: string) => connection.arguments?.find((a) => a.name.value === name);
  if (argument('last') || argument('before')) throw refuse('An export reads forwards: page with first and after, not last and before');
  const edges = fieldsOf(connection.selectionSet!, fragments).find((f) => f.name.value === 'edges');
  const node = edges?.selectionSet && fieldsOf(edges.selectionSet, fragments).find((f) => f.name.value === 'node');
  if (!edges || !node?.selectionSet) throw refuse(SINGLE_CONNECTION);
  const first = argument('first');
  const startAfter = argument('after');
  if (startAfter && startAfter.value.kind !== Kind.STRING) throw refuse('Give after as a string in the export query, or leave it out');
  if (first && first.value.kind === Kind.INT && Number(first.value.value) > MAX_PAGE_SIZE) {
    throw refuse(`first is the page size of an export (at most ${MAX_PAGE_SIZE}); every page is read`, 'first');
  }
  const variable = { kind: Kind.VARIABLE, name: { kind: Kind.NAME, value: AFTER_VARIABLE } } as const;
  const paged = (withTotal: boolean): FieldNode => ({
    ...connection,
    arguments: [
      ...(connection.arguments ?? []).filter((a) => a.name.value !== 'after' && a.name.value !== 'first'),
      first ?? { kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: 'first' }, value: { kind: Kind.INT, value: String(MAX_PAGE_SIZE) } },
      { kind: Kind.ARGUMENT, name: { kind: Kind.NAME, value: 'after' }, value: variable },
    ],
    selectionSet: {
      ...connection.selectionSet!,
      selections: [
        ...connection.selectionSet!.selections,
        fieldNode('pageInfo', PAGE_INFO_ALIAS, [fieldNode('hasNextPage'), fieldNode('endCursor')]),
        ...(withTotal && 'totalCount' in type.getFields() ? [fieldNode('totalCount', TOTAL_ALIAS)] : []),
      ],
    },
  });
  const rebuild = (withTotal: boolean) => {
    // The path's fields, innermost first: each parent keeps its arguments and now holds the paged child.
    let inner: FieldNode = paged(withTotal);
    for (const outer of path.slice(0, -1).reverse()) inner = { ...outer, selectionSet: { kind: Kind.SELECTION_SET, selections: [inner] } };
    const op: OperationDefinitionNode = {
      ...operation,
      variableDefinitions: [
        ...(operation.variableDefinitions ?? []),
        {
          kind: Kind.VARIABLE_DEFINITION,
          variable,
          type: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: 'String' } },
        },
      ],
      selectionSet: { kind: Kind.SELECTION_SET, selections: [inner] },
    };
    return print({ ...document, definitions: document.definitions.map((d) => (d === operation ? op : d)) });
  };
  return {
    firstPage: rebuild(true),
    nextPages: rebuild(false),
    operationName,
    path: path.map(keyOf),
    edgesKey: keyOf(edges),
    nodeKey: keyOf(node),
    startAfter: startAfter?.value.kind === Kind.STRING ? startAfter.value.value : null,
    columns: columnsOf(node.selectionSet, fragments),
    name: connection.name.value,
  };
}

function fieldNode(name: string, alias?: string, children?: FieldNode[]): FieldNode {
  return {
    kind: Kind.FIELD,
    name: { kind: Kind.NAME, value: name },
    ...(alias ? { alias: { kind: Kind.NAME, value: alias } } : {}),
    ...(children ? { selectionSet: { kind: Kind.SELECTION_SET, selections: children } } : {}),
  };
}

/** A node's leaves as paths of response keys, nested objects flattened (`owner.name`), each once. */
function columnsOf(set: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, prefix: string[] = []): string[][] {
  const seen = new Set<string>();
  const columns: string[][] = [];
  const walk = (selections: SelectionSetNode, at: string[]) => {
    for (const selection of selections.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) walk(selection.selectionSet, at);
      else if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        if (fragment) walk(fragment.selectionSet, at);
      } else if (selection.selectionSet) walk(selection.selectionSet, [...at, keyOf(selection)]);
      else {
        const column = [...at, keyOf(selection)];
        if (!seen.has(column.join('.'))) columns.push(column);
        seen.add(column.join('.'));
      }
    }
  };
  walk(set, prefix);
  return columns;
}

/** What a spreadsheet runs as a formula when a cell starts with it (CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;
/** A plain number stays as it is: a phone in E.164, a negative amount. */
const PLAIN_NUMBER = /^[+-]?\d+(\.\d+)?$/;

/**
 * A CSV cell: a field's values along the column's path, lists joined with `;`. One a spreadsheet would run as a
 * formula (a customer named `=HYPERLINK(…)`, written through a web form) gets a `'` before it, which shows it as text.
 */
export function cellOf(node: unknown, column: readonly string[]): string {
  const text = valuesOf(node, column);
  return FORMULA_START.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text;
}

/**
 * The value at the column's path, lists joined with ";" (a list of objects gives the field of each), objects without
 * a selection (JSON scalars) as JSON, null as empty.
 */
function valuesOf(node: unknown, column: readonly string[]): string {
  const collect = (value: unknown, rest: readonly string[]): unknown[] => {
    if (value === null || value === undefined) return [];
    if (Array.isArray(value)) return value.flatMap((item) => collect(item, rest));
    if (rest.length === 0) return [value];
    return typeof value === 'object' ? collect((value as Record<string, unknown>)[rest[0]!], rest.slice(1)) : [];
  };
  return collect(node, column)
    .map((value) => (typeof value === 'object' ? JSON.stringify(value) : String(value)))
    .join(';');
}
