import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { ERROR_CODES, errorCodeTable } from '@crm/kit/errors.js';

// One error policy: every code the platform answers with is in kit/errors.ts's table, which the README and the
// schema document; one condition has one code (an archived record is CONFLICT everywhere, through `archived()`).

async function sources(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.parentPath.includes('migrations'))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

/** `code: 'X'`, `DomainError('X'`, `problem('X'`, `refused('X'`, `deny('X'` in the code. */
const CODE_LITERAL = /(?:\bcode: |DomainError\(|problem\(|refused\(|deny\()'([A-Z][A-Z_]+)'/g;

describe('error codes', () => {
  it('are all in the one table', async () => {
    const used = new Map<string, string>();
    for (const file of [...(await sources('kit')), ...(await sources('subgraphs')), ...(await sources('gateway'))]) {
      for (const [, code] of (await readFile(file, 'utf8')).matchAll(CODE_LITERAL)) used.set(code!, file);
    }
    expect(used.size).toBeGreaterThan(8);
    const unknown = [...used].filter(([code]) => !Object.hasOwn(ERROR_CODES, code));
    expect(unknown).toEqual([]);
  });

  it('say "archived" one way: CONFLICT through archived()', async () => {
    const handWritten = [];
    for (const file of [...(await sources('kit')), ...(await sources('subgraphs'))]) {
      if (file.endsWith(path.join('kit', 'errors.ts'))) continue;
      if (/is archived`/.test(await readFile(file, 'utf8'))) handWritten.push(file);
    }
    expect(handWritten).toEqual([]);
  });

  it('are documented in the README and in the schema', async () => {
    expect(await readFile('README.md', 'utf8')).toContain(errorCodeTable());
    const api = await readFile('schema/api.graphql', 'utf8');
    const documented = /enum ErrorCode \{([\s\S]*?)\n\}/.exec(api)?.[1] ?? '';
    for (const code of Object.keys(ERROR_CODES)) expect(documented).toMatch(new RegExp(`\\n  ${code}(\\n|$)`));
  });
});
