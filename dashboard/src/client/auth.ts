/** The signed-in user's credential (a token or an API key), kept in the browser's storage like GraphiQL's. */
const KEY = 'crm-token';

export const savedToken = (): string | null => localStorage.getItem(KEY);

export function saveToken(token: string): void {
  localStorage.setItem(KEY, token.trim().replace(/^Bearer\s+/i, ''));
}

export function forgetToken(): void {
  localStorage.removeItem(KEY);
}

/** The Authorization value for HTTP and for graphql-ws's connectionParams. */
export const authorization = (): string | undefined => {
  const token = savedToken();
  return token ? `Bearer ${token}` : undefined;
};

export interface DemoUser {
  name: string;
  role: string;
  token: string;
}

/** The development issuer's demo users, each with a fresh token; none when the gateway trusts a real issuer. */
export async function demoUsers(): Promise<DemoUser[]> {
  const response = await fetch('/dev-issuer/demo-users').catch(() => null);
  if (!response?.ok) return [];
  return (await response.json()) as DemoUser[];
}
