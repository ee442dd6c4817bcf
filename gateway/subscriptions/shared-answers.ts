import { createSourceEventStream, execute, type ExecutionArgs, type ExecutionResult } from 'graphql';

/**
 * One execution per event for every subscription that would be answered the same: one event fanned out to a
 * thousand dashboards with the same document, variables and access is executed once, not a thousand times.
 *
 * graphql-js's `subscribe` executes the document for each subscriber and each event. Here the source stream is
 * the same (`createSourceEventStream`), and each event's answer is kept on the event object the bus tail hands to
 * every subscriber, under `shareKey`, which must name everything the answer depends on besides the event (see
 * server.ts). An event read by a subscriber catching up is its own object, so it is executed for that one alone.
 */
export async function subscribeSharingAnswers(
  args: ExecutionArgs,
  shareKey: string,
  eventOf: (payload: unknown) => object | null,
): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  const source = await createSourceEventStream(args);
  if (!isAsyncIterable(source)) return source;
  const answer = (payload: unknown): ExecutionResult | Promise<ExecutionResult> => {
    const run = () => execute({ ...args, rootValue: payload });
    const event = eventOf(payload);
    if (!event) return run();
    let byKey = answersByEvent.get(event);
    if (!byKey) answersByEvent.set(event, (byKey = new Map()));
    let shared = byKey.get(shareKey);
    if (!shared) byKey.set(shareKey, (shared = run()));
    return shared;
  };
  const iterator = source[Symbol.asyncIterator]();
  // Not an async generator: its return() would wait for the pending next(), and graphql-ws calls return() when the
  // client completes, which must end the subscription at once (subscription-events.ts).
  const answers: AsyncIterableIterator<ExecutionResult> = {
    async next() {
      const step = await iterator.next();
      return step.done ? { done: true, value: undefined } : { done: false, value: await answer(step.value) };
    },
    async return() {
      await iterator.return?.();
      return { done: true, value: undefined };
    },
    async throw(error: unknown) {
      await iterator.return?.();
      throw error;
    },
    [Symbol.asyncIterator]: () => answers,
  };
  return answers;
}

/** Answers by event object: dropped with the event once every subscriber has taken it. */
const answersByEvent = new WeakMap<object, Map<string, ExecutionResult | Promise<ExecutionResult>>>();

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}
