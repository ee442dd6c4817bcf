import { rm, writeFile } from 'node:fs/promises';
import { afterAll, describe, expect, it } from '@jest/globals';
import { ESLint } from 'eslint';

// The linter (part of npm test) holds the ownership boundary and the type-aware rules: a planted violation fails it.

const planted = ['subgraphs/sales/src/modules/lint-probe.ts', 'kit/lint-probe.ts'];
afterAll(() => Promise.all(planted.map((file) => rm(file, { force: true }))));

async function rulesBrokenBy(file: string, code: string): Promise<string[]> {
  await writeFile(file, code);
  const [result] = await new ESLint().lintFiles([file]);
  return result!.messages.map((m) => m.ruleId ?? m.message);
}

describe('the linter', () => {
  it("refuses a subgraph importing another subgraph's code, and the kit importing a subgraph or domain data", async () => {
    expect(
      await rulesBrokenBy(
        planted[0]!,
        "import { Customer } from '../../../identity/src/modules/customer/customer.entity.js';\nexport const probe = Customer;\n",
      ),
    ).toContain('no-restricted-imports');
    expect(await rulesBrokenBy(planted[0]!, "import { identity } from '@crm/identity/src/app.js';\nexport const probe = identity;\n")).toContain(
      'no-restricted-imports',
    );
    expect(await rulesBrokenBy(planted[1]!, "import { sales } from '../subgraphs/sales/src/app.js';\nexport const probe = sales;\n")).toContain(
      'no-restricted-imports',
    );
    expect(await rulesBrokenBy(planted[1]!, "import { DEMO } from '@crm/demo/ids.js';\nexport const probe = DEMO;\n")).toContain('no-restricted-imports');
  }, 60_000);

  it('refuses a floating promise', async () => {
    expect(await rulesBrokenBy(planted[0]!, 'export function probe(work: () => Promise<void>): void {\n  work();\n}\n')).toContain(
      '@typescript-eslint/no-floating-promises',
    );
  }, 60_000);
});
