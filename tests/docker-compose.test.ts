import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { DEFAULT_PORTS, SUBGRAPHS } from '@crm/kit/config.js';
import { RUNTIME_FLAGS } from '../scripts/node-flags.js';

interface Service {
  build?: string;
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  restart?: string;
}
const compose = parse(readFileSync('docker-compose.yml', 'utf8')) as { services: Record<string, Service> };
const services = compose.services;
const BUS_ENV = ['EVENT_BUS', 'REDIS_URL', 'EVENTS_DATABASE_URL', 'EVENT_RETENTION_HOURS'];

/** The built image runs dist/<path>.js compiled from <path>.ts. */
const sourceOf = (command: string[] | undefined) => command?.[1]?.replace(/^dist\//, '').replace(/\.js$/, '.ts');
const healthPort = (service: Service) => Number(/localhost:(\d+)\/health/.exec(service.healthcheck?.test.join(' ') ?? '')?.[1]);

describe('docker-compose.yml matches the code it deploys', () => {
  it('has postgres, the four subgraphs and the gateway', () => {
    expect(Object.keys(services).sort()).toEqual(['gateway', 'identity', 'marketing', 'postgres', 'sales', 'service']);
  });

  it('restarts every service that exits and checks readiness, not just liveness', () => {
    for (const [name, service] of Object.entries(services)) {
      expect({ name, restart: service.restart }).toEqual({ name, restart: 'unless-stopped' });
      if (name !== 'postgres') expect(service.healthcheck?.test.join(' ')).toContain('/health/ready');
    }
  });

  it.each(SUBGRAPHS)('runs the %s subgraph from its own entry point, on its port, against postgres', (name) => {
    const service = services[name]!;
    expect(service.build).toBe('.');
    expect(service.command?.[0]).toBe('node');
    expect(sourceOf(service.command)).toBe(`subgraphs/${name}/src/main.ts`);
    expect(existsSync(sourceOf(service.command)!)).toBe(true);
    const env = service.environment ?? {};
    const allowed = [
      'NODE_ENV',
      'DATABASE_URL',
      `${name.toUpperCase()}_DATABASE_URL`,
      'DATABASE_NAME_PREFIX',
      `${name.toUpperCase()}_PORT`,
      'SEED_DEMO_DATA',
      'LOG_LEVEL',
      'HOST',
      'PLATFORM_SECRET',
      ...BUS_ENV,
    ];
    expect(Object.keys(env).filter((key) => !allowed.includes(key))).toEqual([]);
    // Listening on the compose network (the default is 127.0.0.1), trusting only the platform's signed requests.
    expect(env.HOST).toBe('0.0.0.0');
    expect(env.PLATFORM_SECRET).toBeTruthy();
    expect(env.PLATFORM_SECRET).toBe(services.gateway!.environment!.PLATFORM_SECRET);
    expect(new URL(env.DATABASE_URL!).hostname).toBe('postgres');
    expect(Number(env[`${name.toUpperCase()}_PORT`])).toBe(DEFAULT_PORTS[name]);
    expect(healthPort(service)).toBe(DEFAULT_PORTS[name]);
    expect(service.depends_on?.postgres?.condition).toBe('service_healthy');
  });

  it('starts the gateway after every subgraph is healthy and points it at each one', () => {
    const gateway = services.gateway!;
    expect(sourceOf(gateway.command)).toBe('gateway/main.ts');
    expect(existsSync('gateway/main.ts')).toBe(true);
    const env = gateway.environment ?? {};
    expect(env.SUPERGRAPH).toBe('file');
    // Production verifies tokens of a real issuer: the development issuer refuses to run there.
    expect(env.NODE_ENV).toBe('production');
    expect(env.HOST).toBe('0.0.0.0'); // reachable from outside its container (the default is 127.0.0.1)
    expect(['AUTH_ISSUER', 'AUTH_JWKS_URL', 'PLATFORM_SECRET'].filter((key) => !env[key])).toEqual([]);
    expect(new URL(env.DATABASE_URL!).hostname).toBe('postgres'); // the event bus behind subscriptions
    expect(existsSync(env.SUPERGRAPH_PATH!)).toBe(true);
    expect(Number(env.GATEWAY_PORT)).toBe(DEFAULT_PORTS.gateway);
    expect(healthPort(gateway)).toBe(DEFAULT_PORTS.gateway);
    for (const name of SUBGRAPHS) {
      expect(gateway.depends_on?.[name]?.condition).toBe('service_healthy');
      expect(env[`${name.toUpperCase()}_URL`]).toBe(`http://${name}:${services[name]!.environment![`${name.toUpperCase()}_PORT`]}/graphql`);
    }
  });

  it('builds an image that links every workspace package and runs their compiled code', () => {
    const dockerfile = readFileSync('Dockerfile', 'utf8');
    const { workspaces } = JSON.parse(readFileSync('package.json', 'utf8')) as { workspaces: string[] };
    const packages = workspaces.flatMap((pattern) => (pattern.endsWith('/*') ? SUBGRAPHS.map((name) => `${pattern.slice(0, -1)}${name}`) : [pattern]));
    for (const folder of packages) {
      expect(existsSync(`${folder}/package.json`)).toBe(true);
      expect({ folder, linked: dockerfile.includes(`COPY --from=build /app/${folder}/package.json ${folder}/`) }).toEqual({ folder, linked: true });
    }
    // Run as npm start and the benchmark run them: the compiled build with the same runtime flags (scripts/node-flags.ts).
    const nodeOptions = /NODE_OPTIONS="([^"]*)"/.exec(dockerfile)?.[1]?.split(' ');
    expect(nodeOptions).toEqual(['--conditions=production', ...RUNTIME_FLAGS]);
  });
});
