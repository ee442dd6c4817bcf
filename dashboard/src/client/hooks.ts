import { useCallback, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { TypedDocumentString } from '../generated/graphql';
import { request } from './http';
import { connectionState, follow, onReconnected, watch, watchConnection } from './live';

export const useConnection = () => useSyncExternalStore(watchConnection, connectionState);

export interface Loaded<T> {
  data: T | null;
  error: string | null;
}

/** Many events in a burst read the answer once: the first event schedules a read this much later. */
const COALESCE_MS = 100;

/**
 * A query read over HTTP and read again whenever something that moves it happens: each `refresh` feed's event
 * (followed by cursor), and the socket coming back after a loss.
 */
export function useLiveQuery<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  variables: TVariables | null,
  refresh: Array<Feed> = [],
): Loaded<TResult> & { reload: () => void } {
  const [state, setState] = useState<Loaded<TResult>>({ data: null, error: null });
  const key = JSON.stringify(variables);
  const reloadRef = useRef<() => void>(() => undefined);
  useEffect(() => {
    if (variables === null) return undefined;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // While a read is under way, a change asks for one more after it (never two at once: an older answer arriving
    // last would show stale numbers).
    let reading = false;
    let again = false;
    const read = () => {
      timer = undefined;
      if (reading) return void (again = true);
      reading = true;
      request(document, variables)
        .then(
          (data) => !stopped && setState({ data, error: null }),
          (error: Error) => !stopped && setState((old) => ({ data: old.data, error: error.message })),
        )
        .finally(() => {
          reading = false;
          if (again && !stopped) {
            again = false;
            read();
          }
        });
    };
    const soon = () => (timer ??= setTimeout(read, COALESCE_MS));
    reloadRef.current = soon;
    const ends = refresh.map((feed) => follow(feed.document, feed.variables, feed.cursorOf, { next: soon }));
    const leave = onReconnected(soon);
    read();
    return () => {
      stopped = true;
      clearTimeout(timer);
      ends.forEach((end) => end());
      leave();
    };
    // The variables' value (key), not their identity, decides when to read again.
  }, [document, key]);
  return { ...state, reload: useCallback(() => reloadRef.current(), []) };
}

/** An entity feed that moves a query's answer: any of its events reads the answer again. */
export interface Feed {
  document: TypedDocumentString<unknown, { after?: string | null }>;
  variables: Record<string, unknown>;
  cursorOf: (data: unknown) => string;
}

export const feed = <TResult, TVariables extends { after?: string | null }>(
  document: TypedDocumentString<TResult, TVariables>,
  variables: Omit<TVariables, 'after'>,
  cursorOf: (data: TResult) => string,
): Feed => ({ document, variables, cursorOf }) as unknown as Feed;

/** An aggregate subscription: each frame is the whole current answer (sent on subscribe, and after each change). */
export function useAggregate<TResult, TVariables>(document: TypedDocumentString<TResult, TVariables>, variables: TVariables | null): Loaded<TResult> {
  const [state, setState] = useState<Loaded<TResult>>({ data: null, error: null });
  const key = JSON.stringify(variables);
  useEffect(() => {
    if (variables === null) return undefined;
    return watch(document, variables, {
      next: (data) => setState({ data, error: null }),
      error: (error) => setState((old) => ({ data: old.data, error })),
    });
  }, [document, key]);
  return state;
}

/** Follows an entity feed by cursor for as long as the component shows, handing each event to `next`. */
export function useFeed<TResult, TVariables extends { after?: string | null }>(
  document: TypedDocumentString<TResult, TVariables>,
  variables: Omit<TVariables, 'after'> | null,
  cursorOf: (data: TResult) => string,
  next: (data: TResult) => void,
): void {
  const nextRef = useRef(next);
  nextRef.current = next;
  const key = JSON.stringify(variables);
  useEffect(() => {
    if (variables === null) return undefined;
    return follow(document, variables, cursorOf, { next: (data) => nextRef.current(data) });
  }, [document, key]);
}
