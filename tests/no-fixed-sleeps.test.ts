import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';

// The house rule: a test never sleeps a fixed time and then asserts; it waits for a condition (eventually(), an
// event it can await, a subscription `after:` the bus head, the relay's progress on the bus). A planted sleep
// fails this test, naming its file and line.

/** The test files under tests/ and subgraphs/, and the test helpers, relative to the repository root. */
function scannedFiles(): string[] {
  return ['tests', 'kit', 'subgraphs']
    .flatMap((root) => readdirSync(root, { recursive: true, encoding: 'utf8' }).map((file) => path.posix.join(root, ...file.split(path.sep))))
    .filter((file) => !/(^|\/)(node_modules|dist)\//.test(file))
    .filter((file) => file.endsWith('.test.ts') || /^tests\/helpers\/.+\.ts$/.test(file))
    .sort();
}

/** Ways of sleeping: each a regular expression over a file's whole text (so one split over lines is found too). */
const SLEEPS: Array<{ what: string; pattern: RegExp }> = [
  {
    what: 'a promise resolved by a timer',
    // The executor's first parameter (whatever its name) handed to a timer, directly or from an arrow function.
    pattern: /new Promise\s*(?:<[^>]*>)?\(\s*(?:async\s*)?\(?\s*(\w+)[^=]*?=>[\s\S]{0,200}?\bsetTimeout\(\s*(?:(?:async\s*)?\(\s*\)\s*=>\s*\{?\s*)?\1\b/g,
  },
  {
    what: 'a timer resolving a promise',
    pattern: /\bsetTimeout\(\s*(?:(?:async\s*)?\(\s*\)\s*=>\s*\{?\s*)?(?:resolve|res|r|done|ok|wake|next|fulfil+)\b/g,
  },
  { what: 'a promisified timer', pattern: /['"](?:node:)?timers\/promises['"]|\bpromisify\(\s*setTimeout\s*\)|\bscheduler\.wait\s*\(/g },
  { what: 'a sleep-like call', pattern: /\b(?:sleep|delay|idle|wait|nap)\s*\(/g },
  { what: 'a blocking sleep', pattern: /\bAtomics\.wait\s*\(|['"`]sleep\s+\d/g },
];

/** Code quoted in this file names the timer by a placeholder, so that this file's own scan does not find it. */
const spell = (code: string) => code.replaceAll('TIMERS', 'timers').replaceAll('TIMER', 'setTimeout').replaceAll('SLEEP', 'sleep');

/**
 * The only places a timer may resolve a promise: each in one file, on the line holding `line`. Every entry must
 * still be in use, so none outlives its reason.
 */
const ALLOWED: Array<{ file: string; line: string; why: string }> = [
  {
    file: 'tests/helpers/eventually.ts',
    line: spell('await new Promise((resolve) => TIMER(resolve, POLL_MS));'),
    why: 'the poll interval of eventually(), which waits for a condition',
  },
  {
    file: 'tests/helpers/eventually.ts',
    line: spell('export const idleWindow = (ms: number): Promise<void> => new Promise((resolve) => TIMER(resolve, ms));'),
    why: "an experiment's measured idle window (only the experiments below may call it)",
  },
  {
    file: 'tests/subscription-engine.e2e.test.ts',
    line: spell('retryWait: () => new Promise((resolve) => TIMER(resolve, 100)),'),
    why: "the graphql-ws client's reconnect backoff: a client setting, not a wait of the test",
  },
];

/** The experiments whose measured quantity is an idle window of fixed length. */
const IDLE_WINDOW_EXPERIMENTS = [
  'tests/keep-alive.e2e.test.ts', // pooled sockets ageing past the gateway's idle timeout and the subgraphs' keep-alive
  'tests/subscription-engine.e2e.test.ts', // idle subscribers costing no bus reads and no CPU over a window
];

interface Offence {
  file: string;
  line: number;
  what: string;
  text: string;
}

/** The sleeps in one file's text, each with the allowance that excuses it (if any). */
function sleepsIn(file: string, text: string): Array<Offence & { allowedBy?: (typeof ALLOWED)[number] }> {
  const lines = text.split('\n');
  const found = new Map<string, Offence & { allowedBy?: (typeof ALLOWED)[number] }>();
  for (const { what, pattern } of SLEEPS) {
    for (const match of text.matchAll(pattern)) {
      const line = text.slice(0, match.index).split('\n').length;
      const source = lines[line - 1]!.trim();
      // A match may span lines: an allowance covers it when it holds the allowed line.
      const spanned = lines.slice(line - 1, line - 1 + match[0].split('\n').length).join('\n');
      const allowedBy = ALLOWED.find((allowed) => allowed.file === file && spanned.includes(allowed.line));
      const key = String(line); // one report a line, however many ways it sleeps
      if (!found.has(key)) found.set(key, { file, line, what, text: source, allowedBy });
    }
  }
  return [...found.values()].sort((a, b) => a.line - b.line);
}

describe('no fixed sleeps in the tests', () => {
  it('finds every form of sleeping, and nothing else', () => {
    const flagged = (code: string) => sleepsIn('tests/planted.test.ts', spell(code)).map((o) => o.what);
    for (const code of [
      'await new Promise((resolve) => TIMER(resolve, 300)); // the subscription is registered',
      'await new Promise((r) => TIMER(r, 300));',
      'await new Promise<void>((ok) => TIMER(() => ok(), 300));',
      'await new Promise((resolve) =>\n  TIMER(\n    resolve,\n    300,\n  ),\n);',
      "const late = await Promise.race([work, new Promise((resolve) => TIMER(() => resolve('late'), 300))]);",
      'await SLEEP(300);',
      "import { setTimeout as pause } from 'node:TIMERS/promises';",
      "execSync('SLEEP 1');",
    ]) {
      expect({ code, flagged: flagged(code).length > 0 }).toEqual({ code, flagged: true });
    }
    for (const code of [
      "const timer = TIMER(() => reject(new Error('too slow')), 5000);",
      "await connection.execute('select pg_SLEEP(5)');",
      'const [result] = await subscriber.waitFor(1);',
      'await eventually(async () => expect(await count()).toBe(1));',
      'const stalled = TIMER(() => budget.tooSlow(), budget.maxStallMs);',
    ]) {
      expect({ code, flagged: flagged(code) }).toEqual({ code, flagged: [] });
    }
  });

  it('finds none in the test files and helpers, outside the allowed helper definitions', () => {
    const files = scannedFiles();
    expect(files).toContain('tests/helpers/eventually.ts');
    expect(files).toContain('tests/subscriptions.e2e.test.ts');
    expect(files.some((file) => file.startsWith('subgraphs/'))).toBe(true);

    const all = files.flatMap((file) => sleepsIn(file, readFileSync(file, 'utf8')));
    const offences = all.filter((sleep) => !sleep.allowedBy).map(({ file, line, what, text }) => `${file}:${line}: ${what}: ${text}`);
    expect(offences).toEqual([]);
    // Every allowance is still needed.
    expect(ALLOWED.filter((allowed) => !all.some((sleep) => sleep.allowedBy === allowed))).toEqual([]);
  });

  it('lets only the idle-window experiments call the idle-window helper', () => {
    const callers = scannedFiles().filter((file) => file !== 'tests/helpers/eventually.ts' && /\bidleWindow\s*\(/.test(readFileSync(file, 'utf8')));
    expect(callers.filter((file) => !IDLE_WINDOW_EXPERIMENTS.includes(file))).toEqual([]);
  });
});
