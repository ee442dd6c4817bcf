import { isSupportedCountry, type CountryCode } from 'libphonenumber-js/core';
import metadata from 'libphonenumber-js/min/metadata';
import { z } from 'zod';
import { isTimeZone } from './local-time.js';

/**
 * Configuration from the environment, declared once. Each deployable has settings groups (`defineSettings`): every
 * variable it reads, with its type, default and meaning. A service checks its groups when it starts and refuses to
 * start with one message naming every bad value (`checkSettings`); code reads typed values (`group.read()`), never
 * `process.env`. `.env.example` lists the same variables (tests/settings.test.ts).
 */

type Env = Record<string, string | undefined>;

/** An empty variable counts as unset: `FOO=` in a .env file means "the default". */
const unsetIfBlank = (value: unknown) => (value === '' ? undefined : value);

export interface Setting<T> {
  schema: z.ZodType<T>;
  /** What it is for, as .env.example and the README say it. */
  about: string;
}

const setting = <T>(schema: z.ZodType<T>, about: string): Setting<T> => ({ schema: z.preprocess(unsetIfBlank, schema) as z.ZodType<T>, about });

/** A non-negative whole number (a count, milliseconds, hours). */
export const count = (fallback: number, about: string) =>
  setting(z.coerce.number({ error: 'must be a whole number' }).int('must be a whole number').min(0, 'must not be negative').default(fallback), about);

/** One of a few words. */
export const oneOf = <const V extends readonly [string, ...string[]]>(values: V, fallback: V[number], about: string) =>
  setting(z.enum(values, { error: `must be one of ${values.join(', ')}` }).default(fallback as never), about);

/** true/false (also 1/0, yes/no). */
export const flag = (fallback: boolean, about: string) =>
  setting(
    z
      .union([z.boolean(), z.enum(['1', 'true', 'yes', '0', 'false', 'no'], { error: 'must be true or false' })])
      .transform((value) => value === true || value === '1' || value === 'true' || value === 'yes')
      .default(fallback),
    about,
  );

/** Free text, with a default. */
export const text = (fallback: string, about: string) => setting(z.string().default(fallback), about);

/** Free text that may be left unset. */
export const optionalText = (about: string) => setting(z.string().optional(), about);

/** A URL (postgres://, redis://, http://…) with a default. */
export const url = (fallback: string, about: string) => setting(z.url({ error: 'must be a URL' }).default(fallback), about);

/** A URL that may be left unset. */
export const optionalUrl = (about: string) => setting(z.url({ error: 'must be a URL' }).optional(), about);

/** A secret of at least `minLength` characters (never printed), optional at this level. */
export const secret = (minLength: number, about: string) => setting(z.string().min(minLength, `must be at least ${minLength} characters`).optional(), about);

/** A country as ISO 3166 alpha-2 (CZ, PL, SK…) whose phone numbers the platform knows. */
export const country = (fallback: CountryCode, about: string) =>
  setting(
    z
      .string()
      .transform((value) => value.toUpperCase())
      .refine((value) => isSupportedCountry(value as CountryCode, metadata), 'must be a country code such as CZ, PL or SK')
      .transform((value) => value as CountryCode)
      .default(fallback),
    about,
  );

/** An IANA time zone (Europe/Prague, Europe/Warsaw…) the runtime knows. */
export const timeZone = (fallback: string, about: string) =>
  setting(z.string().refine(isTimeZone, 'must be an IANA time zone such as Europe/Prague').default(fallback), about);

/** A fraction: more than 0, at most 1 (0.25). */
export const fraction = (fallback: number, about: string) =>
  setting(
    z.coerce
      .number({ error: 'must be a number such as 0.25' })
      .gt(0, 'must be more than 0 and at most 1')
      .max(1, 'must be more than 0 and at most 1')
      .default(fallback),
    about,
  );

/** A record id of the platform. */
export const optionalId = (about: string) => setting(z.guid({ error: 'must be an id (a UUID)' }).optional(), about);

type Shape = Record<string, Setting<unknown>>;
type Values<S extends Shape> = { [K in keyof S]: S[K] extends Setting<infer T> ? T : never };

export interface SettingsGroup<S extends Shape = Shape> {
  /** Who reads it: `platform`, `gateway`, `sales`… */
  name: string;
  settings: S;
  /** Every problem with the environment's values, one line each (`NAME: what is wrong, got "value"`). */
  problems(env?: Env): string[];
  /** The typed values; throws the problems if any. */
  read(env?: Env): Values<S>;
}

export class ConfigurationError extends Error {
  constructor(readonly problems: string[]) {
    super(`The configuration is not valid; fix these environment variables (see .env.example):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigurationError';
  }
}

/** `together`: rules across settings (e.g. SMTP_HOST is needed when OUTBOUND_CHANNEL=smtp), one problem line each. */
export function defineSettings<S extends Shape>(name: string, settings: S, together: (values: Values<S>) => string[] = () => []): SettingsGroup<S> {
  const schema = z.object(Object.fromEntries(Object.entries(settings).map(([key, s]) => [key, s.schema])));
  const keys = Object.keys(settings);
  const parse = (env: Env) => schema.safeParse(Object.fromEntries(keys.map((key) => [key, env[key]])));
  let lastRead: { snapshot: string; values: Values<S> } | undefined;
  const describe = (error: z.ZodError, env: Env) =>
    error.issues.map((issue) => {
      const key = String(issue.path[0]);
      // Secrets are never echoed back, even when wrong.
      const shown = /SECRET|PASSWORD|TOKEN/.test(key) ? '' : `, got "${env[key]}"`;
      return `${key}: ${issue.message}${env[key] === undefined ? ' (it is not set)' : shown}`;
    });
  return {
    name,
    settings,
    problems(env = process.env) {
      const parsed = parse(env);
      return parsed.success ? together(parsed.data as Values<S>) : describe(parsed.error, env);
    },
    read(env = process.env) {
      // Read on hot paths (the platform secret, per request): parsed again only when one of its variables changed.
      const snapshot = keys.map((key) => env[key] ?? '\u0000').join('\u0001');
      if (lastRead?.snapshot === snapshot) return lastRead.values;
      const parsed = parse(env);
      const problems = parsed.success ? together(parsed.data as Values<S>) : describe(parsed.error, env);
      if (problems.length > 0) throw new ConfigurationError(problems);
      lastRead = { snapshot, values: Object.freeze(parsed.data) as Values<S> };
      return lastRead.values;
    },
  };
}

/** At start-up: every group's problems at once, or nothing. */
export function checkSettings(groups: readonly SettingsGroup[], env: Env = process.env): void {
  const problems = [...new Set(groups.flatMap((group) => group.problems(env)))];
  if (problems.length > 0) throw new ConfigurationError(problems);
}

/** The .env.example the groups describe: every variable, commented out at its default, with what it is for. */
export function envExample(groups: readonly SettingsGroup[]): string {
  const seen = new Set<string>();
  const sections = groups.map((group) => {
    const defaults = group.read({}) as Record<string, unknown>;
    const lines = Object.entries(group.settings)
      .filter(([name]) => !seen.has(name) && seen.add(name))
      .map(([name, { about }]) => {
        const value = defaults[name];
        return `# ${`${name}=${value === undefined ? '' : String(value)}`.padEnd(48)} # ${about}`;
      });
    return lines.length ? [`# ${group.name}`, ...lines].join('\n') : '';
  });
  return `# Every setting, at its default (generated by npm run env:example from the settings groups; do not edit by hand).\n# Copy to .env or set in the environment; an empty value means the default.\n\n${sections.filter(Boolean).join('\n\n')}\n`;
}

/**
 * A process that cannot start on its configuration says so whole, on standard error, and exits with 78 (EX_CONFIG):
 * a supervisor must not restart it in a loop. Anything else is rethrown.
 */
export function exitOnConfigurationError(error: unknown): void {
  if (!(error instanceof ConfigurationError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(78);
}
