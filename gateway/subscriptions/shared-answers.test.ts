import { describe, expect, it } from '@jest/globals';
import { GraphQLInt, GraphQLObjectType, GraphQLSchema, GraphQLString, parse, type ExecutionResult } from 'graphql';
import { subscribeSharingAnswers } from './shared-answers.js';

/** A subscription whose events are pushed by the test, each subscriber on its own source, and executions counted. */
function harness() {
  const sources: Array<(event: { n: number }) => void> = [];
  let executions = 0;
  const Tick = new GraphQLObjectType({
    name: 'Tick',
    fields: {
      n: {
        type: GraphQLInt,
        resolve: (event: { n: number }) => {
          executions++;
          return event.n;
        },
      },
      label: { type: GraphQLString, resolve: (event: { n: number }) => `tick ${event.n}` },
    },
  });
  const schema = new GraphQLSchema({
    query: new GraphQLObjectType({ name: 'Query', fields: { ok: { type: GraphQLInt, resolve: () => 1 } } }),
    subscription: new GraphQLObjectType({
      name: 'Subscription',
      fields: {
        tick: {
          type: Tick,
          resolve: (event: unknown) => event,
          subscribe: () => {
            const waiting: Array<(event: { n: number }) => void> = [];
            const queued: Array<{ n: number }> = [];
            sources.push((event) => (waiting.length ? waiting.shift()!(event) : queued.push(event)));
            return {
              next: () =>
                queued.length
                  ? Promise.resolve({ done: false, value: queued.shift() })
                  : new Promise((resolve) => waiting.push((value) => resolve({ done: false, value }))),
              return: () => Promise.resolve({ done: true, value: undefined }),
              [Symbol.asyncIterator]() {
                return this;
              },
            };
          },
        },
      },
    }),
  });
  const document = parse('subscription { tick { n label } }');
  const open = async (shareKey: string) => {
    const answers = await subscribeSharingAnswers({ schema, document }, shareKey, (event) => event as object);
    if (!(Symbol.asyncIterator in answers)) throw new Error(`not a stream: ${JSON.stringify(answers)}`);
    return answers;
  };
  /** The same event object to every subscriber, as the bus tail hands it. */
  const publish = (event: { n: number }) => sources.forEach((push) => push(event));
  /** An equal event object to each subscriber, as each reads its own when catching up. */
  const publishCopies = (event: { n: number }) => sources.forEach((push) => push({ ...event }));
  return { open, publish, publishCopies, executions: () => executions };
}

describe('subscriptions answered alike', () => {
  it('execute an event once for every subscriber with the same share key, and each gets the answer', async () => {
    const { open, publish, executions } = harness();
    const subscribers = await Promise.all(Array.from({ length: 50 }, () => open('same')));
    const answers = subscribers.map((subscriber) => subscriber.next());
    publish({ n: 1 });
    const results = (await Promise.all(answers)).map((step) => step.value as ExecutionResult);

    expect(executions()).toBe(1);
    for (const result of results) expect(result).toEqual({ data: { tick: { n: 1, label: 'tick 1' } } });
  });

  it('execute separately for another share key, and for another event object with the same content', async () => {
    const { open, publish, publishCopies, executions } = harness();
    const [mine, theirs] = await Promise.all([open('viewer A'), open('viewer B')]);
    const first = [mine.next(), theirs.next()];
    publish({ n: 1 });
    await Promise.all(first);
    expect(executions()).toBe(2);

    // A subscriber catching up reads its own copy of an event: nothing is shared with it by content alone.
    const [again, alsoAgain] = await Promise.all([open('same'), open('same')]);
    const second = [again.next(), alsoAgain.next()];
    publishCopies({ n: 2 });
    await Promise.all(second);
    expect(executions()).toBe(4);
  });

  it('end at once when the client completes, with an event still awaited', async () => {
    const { open } = harness();
    const subscriber = await open('same');
    const pending = subscriber.next();
    await expect(subscriber.return!()).resolves.toEqual({ done: true, value: undefined });
    // The source's next() never settles here; return() did not wait for it.
    expect(await Promise.race([pending.then(() => 'settled'), Promise.resolve('still waiting')])).toBe('still waiting');
  });
});
