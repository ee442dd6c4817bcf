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
