import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { checkSettings, ConfigurationError } from '@crm/kit/settings.js';
import { allSettings, envExampleText } from '../scripts/settings.js';

// Configuration is declared once (settings groups), checked whole at start-up, and .env.example is made from it.

const problemsWith = (env: Record<string, string>) => {
  try {
    checkSettings(allSettings(), env);
    return [];
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    return error.problems;
  }
};

describe('configuration', () => {
  it('is valid with nothing set: every setting has a default or may be unset', () => {
    expect(problemsWith({})).toEqual([]);
  });

  it('names every bad value at once, and never echoes a secret', () => {
    const problems = problemsWith({
      MAX_QUERY_DEPTH: 'deep',
      SALES_DEFAULT_REP_CAPACITY: '-1',
      EVENT_BUS: 'kafka',
      OUTBOUND_CHANNEL: 'smtp',
      PLATFORM_SECRET: 'short-secret-value',
      SALES_LEAD_QUEUE_OWNER_ID: 'jana',
      DEFAULT_PHONE_COUNTRY: 'Czechia',
      DEALER_TIME_ZONE: 'Europe/Praha',
      SLA_AT_RISK_FRACTION: '1.5',
      NODE_ENV: 'Production',
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'MAX_QUERY_DEPTH: must be a whole number, got "deep"',
        'SALES_DEFAULT_REP_CAPACITY: must not be negative, got "-1"',
        'EVENT_BUS: must be one of postgres, redis, nats, got "kafka"',
        'SMTP_HOST: is needed with OUTBOUND_CHANNEL=smtp (it is not set)',
        'SMTP_FROM: is needed with OUTBOUND_CHANNEL=smtp (it is not set)',
        'PLATFORM_SECRET: must be at least 32 characters',
        'SALES_LEAD_QUEUE_OWNER_ID: must be an id (a UUID), got "jana"',
        'DEFAULT_PHONE_COUNTRY: must be a country code such as CZ, PL or SK, got "Czechia"',
        'DEALER_TIME_ZONE: must be an IANA time zone such as Europe/Prague, got "Europe/Praha"',
        'SLA_AT_RISK_FRACTION: must be more than 0 and at most 1, got "1.5"',
        // Anything but these three ran as development, the development issuer's ADMIN tokens included.
        'NODE_ENV: must be one of development, production, test, got "Production"',
      ]),
    );
    expect(problems).toHaveLength(11);
    expect(problems.join('\n')).not.toContain('short-secret-value');
  });

  /** Compose fills `${NAME:-default}` with the default and `${NAME:?…}` from the operator's .env (here: a value that fits). */
  const composeValue = (key: string, value: string): string => {
    const variable = /^\$\{[A-Z_]+(?::-(.*)|:\?.*)\}$/.exec(value);
    if (!variable) return value;
    if (variable[1] !== undefined) return variable[1];
    return key.endsWith('_URL') || key === 'AUTH_ISSUER' ? 'https://login.example.test/realms/crm' : 'x'.repeat(32);
  };

  it('is valid in docker-compose.yml for every service, and names only declared settings', async () => {
    const { services } = parse(await readFile('docker-compose.yml', 'utf8')) as { services: Record<string, { environment?: Record<string, string> }> };
    const declared = new Set(allSettings().flatMap((group) => Object.keys(group.settings)));
    for (const [name, service] of Object.entries(services)) {
      if (name === 'postgres') continue;
      const env = Object.fromEntries(Object.entries(service.environment ?? {}).map(([key, value]) => [key, composeValue(key, value)]));
      expect({ name, undeclared: Object.keys(env).filter((key) => !declared.has(key)) }).toEqual({ name, undeclared: [] });
      expect({ name, problems: problemsWith(env) }).toEqual({ name, problems: [] });
    }
  });

  it('.env.example lists every setting at its default (npm run env:example)', async () => {
    expect(await readFile('.env.example', 'utf8')).toBe(envExampleText());
  });

  it('is read through the settings groups only: no process.env in the services', async () => {
    const readers = [];
    for (const root of ['kit', 'subgraphs', 'gateway']) {
      for (const entry of await readdir(root, { withFileTypes: true, recursive: true })) {
        const file = path.join(entry.parentPath, entry.name);
        if (!entry.isFile() || !file.endsWith('.ts') || /\.test\.ts$|\/test\/|kit\/settings\.ts$/.test(file)) continue;
        if ((await readFile(file, 'utf8')).includes('process.env')) readers.push(file);
      }
    }
    expect(readers).toEqual([]);
  });

  it('stops a service that cannot start on it, saying why, with exit code 78 (no restart loop)', async () => {
    const child = spawn(process.execPath, ['--import', '@swc-node/register/esm-register', 'subgraphs/sales/src/main.ts'], {
      env: {
        PATH: process.env.PATH,
        SALES_DEFAULT_REP_CAPACITY: 'lots',
        DB_STATEMENT_TIMEOUT_MS: '5s',
        DEALER_TIME_ZONE: 'Mars/Olympus',
        PLATFORM_SECRET: 'x'.repeat(32),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(78);
    expect(stderr).toContain('The configuration is not valid');
    expect(stderr).toContain('SALES_DEFAULT_REP_CAPACITY: must be a whole number, got "lots"');
    expect(stderr).toContain('DB_STATEMENT_TIMEOUT_MS: must be a whole number, got "5s"');
    expect(stderr).toContain('DEALER_TIME_ZONE: must be an IANA time zone such as Europe/Prague, got "Mars/Olympus"');
  }, 60_000);
});
