import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { Max, MaxLength } from 'class-validator';
import { graphql, type GraphQLSchema } from 'graphql';
import { Arg, Args, ArgsType, ArgumentValidationError, buildSchema, Field, getMetadataStorage, InputType, Int, Query, Resolver } from 'type-graphql';
import { prepareArgumentValidation } from './validation.js';

// Arguments are checked as type-graphql checks them, with what to check decided once when the schema is built.

@ArgsType()
class Paging {
  @Field(() => Int, { nullable: true })
  @Max(100)
  first?: number;
}

@InputType()
class Note {
  @Field(() => String)
  @MaxLength(5)
  text!: string;
}

/** No rules of its own: Note's apply. */
@InputType()
class LongNote extends Note {}

@InputType()
class Unruled {
  @Field(() => String)
  text!: string;
}

@Resolver()
class ValidationProbe {
  @Query(() => String)
  probe(
    @Args(() => Paging) paging: Paging,
    @Arg('note', () => Note, { nullable: true }) note: Note | null,
    @Arg('inherited', () => LongNote, { nullable: true }) inherited: LongNote | null,
    @Arg('notes', () => [Note], { nullable: true }) notes: Note[] | null,
    @Arg('unruled', () => Unruled, { nullable: true }) unruled: Unruled | null,
    @Arg('word', () => String, { nullable: true }) word: string | null,
  ): string {
    return JSON.stringify([paging.first ?? null, note?.text ?? null, inherited?.text ?? null, notes?.length ?? null, unruled?.text ?? null, word]);
  }
}

let schema: GraphQLSchema;

async function run(source: string): Promise<{ data: unknown; refused: ArgumentValidationError | undefined }> {
  schema ??= await (async () => {
    prepareArgumentValidation();
    return buildSchema({ resolvers: [ValidationProbe], validate: { forbidUnknownValues: false } });
  })();
  const result = await graphql({ schema, source });
  const original = result.errors?.[0]?.originalError;
  return { data: result.data?.probe ?? null, refused: original instanceof ArgumentValidationError ? original : undefined };
}

describe('prepareArgumentValidation', () => {
  it('leaves none of the arguments to type-graphql, which imports class-validator anew at every call', async () => {
    expect(await run('{ probe }')).toEqual({ data: JSON.stringify([null, null, null, null, null, null]), refused: undefined });
    const params = getMetadataStorage()
      .params.filter((param) => param.target === ValidationProbe)
      .sort((a, b) => a.index - b.index);
    const decided = params.map((param) =>
      'validateFn' in param ? { kind: param.kind, own: !!param.validateFn, off: param.validateSettings === false } : null,
    );
    expect(decided).toEqual([
      { kind: 'args', own: true, off: false },
      { kind: 'arg', own: true, off: false },
      { kind: 'arg', own: true, off: false }, // its rules inherited
      { kind: 'arg', own: true, off: false }, // a list, item by item (its type thunk says so only once called)
      { kind: 'arg', own: false, off: true }, // an input without rules
      { kind: 'arg', own: false, off: true }, // a scalar
    ]);
  });

  it('refuses what breaks a rule with the error type-graphql gives, and passes the rest', async () => {
    expect(
      await run(
        '{ probe(first: 100, note: { text: "ahoj" }, inherited: { text: "čau" }, notes: [{ text: "a" }], unruled: { text: "anything at all" }, word: "x") }',
      ),
    ).toEqual({
      data: JSON.stringify([100, 'ahoj', 'čau', 1, 'anything at all', 'x']),
      refused: undefined,
    });
    const tooMany = await run('{ probe(first: 101) }');
    expect(tooMany.data).toBeNull();
    expect(tooMany.refused?.extensions.validationErrors).toEqual([
      expect.objectContaining({ property: 'first', constraints: { max: 'first must not be greater than 100' } }),
    ]);
    const tooLong = await run('{ probe(note: { text: "dobrý den" }) }');
    expect(tooLong.refused?.extensions.validationErrors).toEqual([
      expect.objectContaining({ property: 'text', constraints: { maxLength: 'text must be shorter than or equal to 5 characters' } }),
    ]);
    const inheritedTooLong = await run('{ probe(inherited: { text: "na shledanou" }) }');
    expect(inheritedTooLong.refused?.extensions.validationErrors).toEqual([expect.objectContaining({ property: 'text' })]);
  });

  it('names each bad item of a list by its index', async () => {
    const result = await graphql({ schema, source: '{ probe(notes: [{ text: "ok" }, { text: "far too long" }, { text: "also too long" }]) }' });
    expect(result.errors?.[0]?.originalError).toMatchObject({
      extensions: {
        code: 'BAD_USER_INPUT',
        items: [expect.objectContaining({ index: 1, field: 'text' }), expect.objectContaining({ index: 2, field: 'text' })],
      },
    });
  });
});
