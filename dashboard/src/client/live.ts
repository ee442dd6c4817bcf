import { createClient, type Client } from 'graphql-ws';
import type { TypedDocumentString } from '../generated/graphql';
import { authorization } from './auth';

/** Where the dashboard's socket stands: the banner shows while it is `lost` (it reconnects on its own). */
export type Connection = 'connecting' | 'connected' | 'lost' | 'signed-out';

const watchers = new Set<() => void>();
const reconnectWatchers = new Set<() => void>();
let connection: Connection = 'connecting';
let client: Client | null = null;

function setConnection(next: Connection): void {
  if (next === connection) return;
  connection = next;
  watchers.forEach((notify) => notify());
}

export const connectionState = (): Connection => connection;

/** The credential was refused (a 401 over HTTP, 4401/4403 on the socket): the app goes back to sign-in. */
export const credentialRefused = () => setConnection('signed-out');

export function watchConnection(notify: () => void): () => void {
  watchers.add(notify);
  return () => watchers.delete(notify);
}

/** Told each time the socket is back after a loss: what was read over HTTP is read again then. */
export function onReconnected(notify: () => void): () => void {
  reconnectWatchers.add(notify);
  return () => reconnectWatchers.delete(notify);
}

/** Close codes after which retrying cannot help: the credential is refused (4401) or not allowed (4403). */
const SIGNED_OUT_CODES = [4401, 4403];
const closeCode = (event: unknown) => (event && typeof event === 'object' && 'code' in event ? Number(event.code) : null);

/** The one graphql-ws client of the page, on the gateway's /graphql, with the signed-in user's credential. */
function liveClient(): Client {
  client ??= createClient({
    url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`,
    connectionParams: () => ({ authorization: authorization() }),
    retryAttempts: Infinity,
    // Back soon after the network or the gateway is: half a second, doubling up to five.
    retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, Math.min(500 * 2 ** retries, 5000))),
    shouldRetry: (event) => !SIGNED_OUT_CODES.includes(closeCode(event) ?? 0),
    // A socket that died without a close (a cut cable, a sleeping tablet) is noticed by the missing pong.
    keepAlive: 5000,
    on: {
      connected: (_socket, _payload, wasRetry) => {
        setConnection('connected');
        if (wasRetry) reconnectWatchers.forEach((notify) => notify());
      },
      closed: (event) => {
        const code = closeCode(event);
        if (code !== null && SIGNED_OUT_CODES.includes(code)) setConnection('signed-out');
        // 1000 is graphql-ws closing an idle socket itself (no subscription left): nothing is lost.
        else if (code !== 1000 && connection === 'connected') setConnection('lost');
      },
    },
  });
  return client;
}

/** Closes the socket (signing out): the next subscription opens a new one with the new credential. */
export async function closeLive(): Promise<void> {
  const current = client;
  client = null;
  setConnection('connecting');
  await current?.dispose();
}

interface Handlers<TResult> {
  next: (data: TResult) => void;
  error?: (message: string) => void;
}

/**
 * Follows a subscription whose every frame is the whole current answer (an aggregate's totals): after a
 * reconnect its fresh first frame replaces what was shown, so nothing needs resuming.
 */
export function watch<TResult, TVariables>(document: TypedDocumentString<TResult, TVariables>, variables: TVariables, handlers: Handlers<TResult>) {
  return liveClient().subscribe<TResult>({ query: document.toString(), variables: variables as Record<string, unknown> }, sink(handlers));
}

/**
 * Follows an entity feed (`…Changed(after:)`) and resumes it by cursor: graphql-ws sends the same subscribe payload
 * again when it reconnects, so the cursor of the last event shown is written into that payload's variables as each
 * event arrives; the server then replays whatever happened while the socket was down, and nothing is missed.
 * A feed that has shown no event yet has no cursor and starts again from now: what it would have brought is in the
 * answers the screens read again on reconnect (onReconnected).
 */
export function follow<TResult, TVariables extends { after?: string | null }>(
  document: TypedDocumentString<TResult, TVariables>,
  variables: Omit<TVariables, 'after'>,
  cursorOf: (data: TResult) => string,
  handlers: Handlers<TResult>,
) {
  const payload = { query: document.toString(), variables: { ...variables, after: null as string | null } };
  return liveClient().subscribe<TResult>(
    payload,
    sink({
      ...handlers,
      next: (data) => {
        payload.variables.after = cursorOf(data);
        handlers.next(data);
      },
    }),
  );
}

function sink<TResult>(handlers: Handlers<TResult>) {
  return {
    next: ({ data, errors }: { data?: TResult | null; errors?: ReadonlyArray<{ message: string }> }) => {
      if (data) handlers.next(data);
      else if (errors?.[0]) handlers.error?.(errors[0].message);
    },
    error: (error: unknown) => {
      const message = Array.isArray(error) ? String((error[0] as { message?: string }).message) : closeCode(error) ? 'Signed out' : String(error);
      handlers.error?.(message);
    },
    complete: () => undefined,
  };
}
