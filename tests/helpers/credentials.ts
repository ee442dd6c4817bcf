/**
 * Who a test calls as by default, per gateway (host:port): the platform helper registers an admin's token for
 * each gateway it starts, so a test names a caller only when the caller is what it tests.
 */
const defaults = new Map<string, string>();

const hostOf = (url: string) => new URL(url).host;

export function setDefaultAuthorization(url: string, authorization: string): void {
  defaults.set(hostOf(url), authorization);
}

/** The Authorization a request to `url` carries unless the test says otherwise. */
export function defaultAuthorization(url: string): string | undefined {
  return defaults.get(hostOf(url));
}
