/** A minimal GraphQL-over-HTTP client for the bench: every error is a failure. */
export interface Caller {
  url: string;
  authorization: string;
}

export async function graphql<T>(caller: Caller, query: string, variables: Record<string, unknown> = {}, signal?: AbortSignal): Promise<T> {
  const response = await fetch(caller.url, {
    signal,
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: caller.authorization },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json().catch(() => ({ errors: [{ message: `HTTP ${response.status}, not JSON` }] }))) as {
    data?: T;
    errors?: Array<{ message: string; extensions?: { code?: string } }>;
  };
  if (body.errors?.length || !body.data) {
    const first = body.errors?.[0];
    throw new Error(`GraphQL call failed (HTTP ${response.status}): ${first?.extensions?.code ?? ''} ${first?.message ?? 'no data'}`.trim());
  }
  return body.data;
}

/**
 * One request running `calls.length` mutations of one field under aliases (`m0`, `m1`, …), each with its own
 * variables: ten creates cost one round trip instead of ten (the gateway allows 15 aliases).
 * `args` names the field's arguments and their types, e.g. `{ input: 'CreateCustomerInput!' }`.
 */
export async function batchMutation<T>(
  caller: Caller,
  field: string,
  args: Record<string, string>,
  selection: string,
  calls: Array<Record<string, unknown>>,
): Promise<T[]> {
  const names = Object.keys(args);
  const declarations = calls.flatMap((_, i) => names.map((name) => `$${name}${i}: ${args[name]}`)).join(', ');
  const fields = calls.map((_, i) => `m${i}: ${field}(${names.map((name) => `${name}: $${name}${i}`).join(', ')}) ${selection}`).join('\n');
  const variables = Object.fromEntries(calls.flatMap((call, i) => names.map((name) => [`${name}${i}`, call[name]])));
  const data = await graphql<Record<string, T>>(caller, `mutation(${declarations}) {\n${fields}\n}`, variables);
  return calls.map((_, i) => data[`m${i}`]!);
}

/** Runs `work` on every item with at most `concurrency` at a time; the first failure stops the rest. */
export async function inParallel<T>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        await work(items[index]!, index);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

export const chunks = <T>(items: readonly T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
