/** Reads configuration from the environment; fails fast on values that cannot work. */
export function envString(name: string, fallback?: string): string {
  const value = process.env[name];
  if (value !== undefined && value !== '') return value;
  if (fallback !== undefined) return fallback;
  throw new Error(`Missing required environment variable ${name}`);
}

export function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

export function envBool(name: string, fallback: boolean): boolean {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes'].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no'].includes(raw.toLowerCase())) return false;
  throw new Error(`${name} must be true or false, got "${raw}"`);
}

export type SubgraphName = 'identity' | 'sales' | 'marketing' | 'service';
export const SUBGRAPHS: readonly SubgraphName[] = ['identity', 'sales', 'marketing', 'service'];
export const DEFAULT_PORTS: Record<SubgraphName | 'gateway', number> = {
  gateway: 4000,
  identity: 4001,
  sales: 4002,
  marketing: 4003,
  service: 4004,
};

/**
 * The database a subgraph owns: `<NAME>_DATABASE_URL` moves it to any server;
 * otherwise it is `crm_<name>` (prefix from DATABASE_NAME_PREFIX) on the server of DATABASE_URL.
 */
export function databaseUrlFor(name: SubgraphName): string {
  const own = process.env[`${name.toUpperCase()}_DATABASE_URL`];
  if (own) return own;
  const server = new URL(envString('DATABASE_URL'));
  server.pathname = `/${envString('DATABASE_NAME_PREFIX', 'crm_')}${name}`;
  return server.toString();
}

export function portFor(name: SubgraphName | 'gateway'): number {
  return envInt(`${name.toUpperCase()}_PORT`, DEFAULT_PORTS[name]);
}

export function subgraphUrlFor(name: SubgraphName): string {
  return envString(`${name.toUpperCase()}_URL`, `http://localhost:${portFor(name)}/graphql`);
}
