/** A minimal GraphQL-over-HTTP client for the bench: every error is a failure. */
export interface Caller {
  url: string;
  authorization: string;
}

/**
 * `idempotencyKey` (the Idempotency-Key header) makes a mutation safe to send again: it is sent once more if the
 * connection failed before any answer. The bench, busy generating a data set's next step, can take a pooled socket
 * the gateway closed meanwhile (idle past its keep-alive) before it has seen the close: "other side closed". Only the
 * data set's writes use it; the measured calls go without, as a client's would.
 */
export async function graphql<T>(
  caller: Caller,
  query: string,
  variables: Record<string, unknown> = {},
  signal?: AbortSignal,
  options: { idempotencyKey?: string } = {},
): Promise<T> {
  const send = () =>
    fetch(caller.url, {
      signal,
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: caller.authorization,
        ...(options.idempotencyKey ? { 'idempotency-key': options.idempotencyKey } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
  const response = await send().catch((error: unknown) => {
    if (!options.idempotencyKey || signal?.aborted) throw error;
    return send();
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
