import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import {
  buildSchema,
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isNonNullType,
  isObjectType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLSchema,
} from 'graphql';

/**
 * The API's shape (docs/conventions.md, "GraphQL API"), checked on the schema clients see (schema/api.graphql,
 * written by `npm run compose`): one way to change a record, to page a list and to name an order.
 */
const schema: GraphQLSchema = buildSchema(readFileSync('schema/api.graphql', 'utf8'));

/** Verbs of mutations that change a record that already exists: they say which one and the version the client read. */
const CHANGING = /^(update|change|archive|assign|escalate|publish|advance|exit|rename|rotate|revoke|complete|send|accept|reject|expire|move)[A-Z]/;

/**
 * Mutations named like a change that take no version, each with its reason. Keep it short: a mutation belongs here
 * only when its caller cannot know a version (e.g. a public, token-based one answered to someone outside the CRM).
 */
const WITHOUT_VERSION: Record<string, string> = {};

const mutations = Object.values(schema.getMutationType()!.getFields());
const isIdArgument = (arg: GraphQLArgument) =>
  (arg.name === 'id' || arg.name.endsWith('Id')) && isNonNullType(arg.type) && getNullableType(arg.type).toString() === 'ID';
const isVersionArgument = (arg: GraphQLArgument) => arg.name === 'version' && arg.type.toString() === 'Int!';
/** The arguments of a mutation's current form: a deprecated one still works for a release (kit/argument-forms.ts). */
const currentArgs = (m: GraphQLField<unknown, unknown>) => m.args.filter((arg) => !arg.deprecationReason);
const isInputArgument = (arg: GraphQLArgument) => arg.name === 'input' && isInputObjectType(getNamedType(arg.type));
/** Verbs of mutations that make a record: they take one input and nothing else. */
const CREATING = /^(create|register|open)[A-Z]/;
/** Every deprecated field, argument, input field and enum value, as `Type.field(argument)` with its reason. */
const deprecations = (): Array<[string, string]> =>
  Object.values(schema.getTypeMap())
    .filter((type) => !type.name.startsWith('__'))
    .flatMap((type): Array<[string, string | null | undefined]> => {
      if (isEnumType(type)) return type.getValues().map((value) => [`${type.name}.${value.name}`, value.deprecationReason]);
      if (isInputObjectType(type)) return Object.values(type.getFields()).map((field) => [`${type.name}.${field.name}`, field.deprecationReason]);
      if (!isObjectType(type)) return [];
      return Object.values(type.getFields()).flatMap((field) => [
        [`${type.name}.${field.name}`, field.deprecationReason] as [string, string | null | undefined],
        ...field.args.map((arg) => [`${type.name}.${field.name}(${arg.name})`, arg.deprecationReason] as [string, string | null | undefined]),
      ]);
    })
    .filter((entry): entry is [string, string] => typeof entry[1] === 'string');

/** Every field of every object type, Query's and Mutation's included, as `Type.field`. */
const allFields = (): Array<[string, GraphQLField<unknown, unknown>]> =>
  Object.values(schema.getTypeMap()).flatMap((type) =>
    isObjectType(type) && !type.name.startsWith('__')
      ? Object.values(type.getFields()).map((field) => [`${type.name}.${field.name}`, field] as [string, GraphQLField<unknown, unknown>])
      : [],
  );
const orderEnums = () => Object.values(schema.getTypeMap()).filter((type) => isEnumType(type) && type.name.endsWith('Order'));

describe('the API follows one convention', () => {
  it('changes a record by its id and the version the client read, never by ids inside the input', () => {
    const offending = mutations
      .filter((m) => CHANGING.test(m.name) && !(m.name in WITHOUT_VERSION))
      .filter((m) => !m.args.some(isIdArgument) || !m.args.some(isVersionArgument))
      .map((m) => `${m.name}(${m.args.map((a) => `${a.name}: ${a.type.toString()}`).join(', ')})`);
    expect(offending).toEqual([]);
  });

  it('keeps id and version out of the input of a mutation that takes them as arguments', () => {
    const offending = mutations
      .filter((m) => m.args.some(isVersionArgument))
      .flatMap((m) => m.args.map((arg) => [m.name, getNamedType(arg.type)] as const))
      .filter(([, type]) => isInputObjectType(type) && ('id' in type.getFields() || 'version' in type.getFields()))
      .map(([name, type]) => `${name}: ${type.name}`);
    expect(offending).toEqual([]);
  });

  it('says what a change carries in one input: besides the record (id, or the parent as <thing>Id) and version, only input', () => {
    const offending = mutations
      .filter((m) => m.args.some(isVersionArgument))
      .filter((m) => currentArgs(m).some((arg) => !isIdArgument(arg) && !isVersionArgument(arg) && !isInputArgument(arg)))
      .map(
        (m) =>
          `${m.name}(${currentArgs(m)
            .map((a) => a.name)
            .join(', ')})`,
      );
    expect(offending).toEqual([]);
  });

  it("carries no record's version inside an input: it is the version argument", () => {
    const offending = mutations
      .flatMap((m) => m.args.map((arg) => [m.name, getNamedType(arg.type)] as const))
      .flatMap(([name, type]) => (isInputObjectType(type) ? Object.values(type.getFields()).map((field) => [name, type.name, field] as const) : []))
      .filter(([, , field]) => !field.deprecationReason && /^(version|[a-z]+Version)$/.test(field.name) && getNamedType(field.type).name === 'Int')
      .map(([name, type, field]) => `${name}: ${type}.${field.name}`);
    expect(offending).toEqual([]);
  });

  it('creates a record from one input and nothing else', () => {
    const offending = mutations
      .filter((m) => CREATING.test(m.name))
      .filter((m) => currentArgs(m).length !== 1 || !isInputArgument(currentArgs(m)[0]!))
      .map(
        (m) =>
          `${m.name}(${currentArgs(m)
            .map((a) => a.name)
            .join(', ')})`,
      );
    expect(offending).toEqual([]);
  });

  it('makes an input with required fields optional only while the deprecated arguments it replaces still work', () => {
    const hasRequiredField = (arg: GraphQLArgument) => {
      const type = getNamedType(arg.type);
      return isInputObjectType(type) && Object.values(type.getFields()).some((f) => isNonNullType(f.type) && f.defaultValue === undefined);
    };
    const offending = mutations
      .filter((m) => m.args.some((arg) => isInputArgument(arg) && !isNonNullType(arg.type) && hasRequiredField(arg)))
      .filter((m) => !m.args.some((arg) => arg.deprecationReason))
      .map((m) => m.name);
    expect(offending).toEqual([]);
  });

  it('deprecates with @deprecated(reason:) that names what to use instead and the release that removes it', () => {
    const offending = deprecations()
      .filter(([, reason]) => !/^Use .+; removed in \d+\.\d+$/.test(reason))
      .map(([name, reason]) => `${name}: ${reason}`);
    expect(offending).toEqual([]);
  });

  it('lists only exceptions that exist and still need to be one', () => {
    const byName = new Map(mutations.map((m) => [m.name, m]));
    const stale = Object.keys(WITHOUT_VERSION).filter((name) => !byName.get(name) || byName.get(name)!.args.some(isVersionArgument));
    expect(stale).toEqual([]);
  });

  it('pages lists with first/last (and searches with first), never limit', () => {
    const offending = allFields()
      .filter(([, field]) => field.args.some((arg) => arg.name === 'limit'))
      .map(([name]) => name);
    expect(offending).toEqual([]);
  });

  it('names orders NEWEST_FIRST and OLDEST_FIRST, never plain NEWEST or OLDEST', () => {
    const offending = orderEnums()
      .flatMap((type) => (isEnumType(type) ? type.getValues().map((value) => `${type.name}.${value.name}`) : []))
      .filter((name) => /\.(NEWEST|OLDEST)(?!_FIRST$)/.test(name));
    expect(offending).toEqual([]);
  });

  it('finds what it checks (the schema is the composed API, not an empty file)', () => {
    expect(mutations.filter((m) => CHANGING.test(m.name)).length).toBeGreaterThan(20);
    expect(orderEnums().map((type) => type.name)).toEqual(expect.arrayContaining(['ActivityOrder', 'CaseOrder']));
    expect(allFields().filter(([, field]) => field.args.some((arg) => arg.name === 'first')).length).toBeGreaterThan(20);
  });
});
