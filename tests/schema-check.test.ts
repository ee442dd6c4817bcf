import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { compareSchemas } from '../scripts/schema-changes.js';

// `npm run schema:check` (scripts/schema-check.ts) as CI runs it, on copies of the schema with a planted change.

const run = promisify(execFile);
let dir: string;
let released: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'schema-check-'));
  released = await readFile('schema/api.graphql', 'utf8');
  await writeFile(path.join(dir, 'released.graphql'), released);
  await writeFile(path.join(dir, 'none.json'), '[]');
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Runs the script on the released copy and `current`, with these announcements: its exit code and output. */
async function schemaCheck(current: string, announced: unknown[] = []): Promise<{ code: number; output: string }> {
  await writeFile(path.join(dir, 'current.graphql'), current);
  await writeFile(path.join(dir, 'announced.json'), JSON.stringify(announced));
  const args = ['--import', '@swc-node/register/esm-register', 'scripts/schema-check.ts'];
  const files = [
    '--released',
    path.join(dir, 'released.graphql'),
    '--current',
    path.join(dir, 'current.graphql'),
    '--announced',
    path.join(dir, 'announced.json'),
  ];
  try {
    const { stdout } = await run(process.execPath, [...args, ...files]);
    return { code: 0, output: stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}

/** The released schema without Query.searchProducts: a client asking for it would break. */
const withoutSearchProducts = () => {
  const changed = released.replace(/^ {2}(""".*"""\n {2})?searchProducts\(.*\n/m, ''); // with its one-line description
  expect(changed).not.toBe(released);
  return changed;
};

describe('npm run schema:check', () => {
  it('passes the committed client schema against the last release (what npm run check runs)', async () => {
    const { stdout } = await run(process.execPath, ['--import', '@swc-node/register/esm-register', 'scripts/schema-check.ts']);
    expect(stdout).toContain('schema:check passed');
  }, 30_000);

  it('fails with a readable list on a breaking change nobody announced', async () => {
    const { code, output } = await schemaCheck(withoutSearchProducts());
    expect(code).toBe(1);
    expect(output).toMatch(/BREAKING, not announced.*\n\s+Query\.searchProducts: Field 'searchProducts' .*removed/);
    expect(output).toContain('schema:check failed: 1 unannounced breaking change(s).');
  }, 30_000);

  it('passes the same change once it is announced, and prints it with its reason', async () => {
    const { code, output } = await schemaCheck(withoutSearchProducts(), [
      { path: 'Query.searchProducts', reason: 'use search(query) with the product kind', release: '0.3' },
    ]);
    expect(code).toBe(0);
    expect(output).toMatch(/Breaking, announced \(1\):\n\s+Query\.searchProducts: .*\(release 0\.3: use search\(query\) with the product kind\)/);
  }, 30_000);

  it('refuses a malformed announcements file', async () => {
    const { code, output } = await schemaCheck(released, [{ path: 'Query.searchProducts' }]);
    expect(code).toBe(2);
    expect(output).toContain('must be a JSON list of { "path", "reason", "release" }');
  }, 30_000);
});

describe('how changes are sorted', () => {
  const sdl = (query: string) => `type Query {\n${query}\n}\nenum Kind { PERSON ORGANIZATION }`;

  it('deprecating is safe, a new enum value is dangerous, removing an argument is breaking', async () => {
    const before = sdl('  lead(id: ID!, limit: Int): String\n  kind: Kind');
    const deprecated = await compareSchemas(before, sdl('  lead(id: ID!, limit: Int @deprecated(reason: "use first")): String\n  kind: Kind'), []);
    expect({ breaking: deprecated.unannounced.length, dangerous: deprecated.dangerous.length }).toEqual({ breaking: 0, dangerous: 0 });
    const newValue = await compareSchemas(before, `${before.replace('ORGANIZATION', 'ORGANIZATION HOUSEHOLD')}`, []);
    expect(newValue.dangerous.map((c) => c.path)).toEqual(['Kind.HOUSEHOLD']);
    const removed = await compareSchemas(before, sdl('  lead(id: ID!): String\n  kind: Kind'), []);
    expect(removed.unannounced.map((c) => c.path)).toEqual(['Query.lead.limit']);
  });

  it('names announcements that match no breaking change', async () => {
    const report = await compareSchemas(sdl('  a: Int'), sdl('  a: Int'), [{ path: 'Query.b', reason: 'gone', release: '0.3' }]);
    expect(report.stale.map((a) => a.path)).toEqual(['Query.b']);
  });
});
