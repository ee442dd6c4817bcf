import { readFile } from 'node:fs/promises';
import { describe, expect, it } from '@jest/globals';
import { permissionTable } from '@crm/kit/access/permissions.js';

const readme = () => readFile('README.md', 'utf8');

/** The text of one `## ` section of the README. */
const section = (text: string, heading: string) => {
  const start = text.indexOf(`## ${heading}`);
  if (start === -1) throw new Error(`README has no section "${heading}"`);
  const end = text.indexOf('\n## ', start + 1);
  return text.slice(start, end === -1 ? undefined : end);
};

/**
 * Each code block of a walk-through with the file it quotes: the last `path.ts` named before it. Its lines must be
 * lines of that file, in that order (indentation aside), so the walk-through shows the code as it is.
 */
function quotedBlocks(text: string): Array<{ file: string; lines: string[] }> {
  const blocks: Array<{ file: string; lines: string[] }> = [];
  let file: string | null = null;
  const parts = text.split(/```ts\n([\s\S]*?)```/);
  parts.forEach((part, index) => {
    if (index % 2 === 0) {
      file = [...part.matchAll(/`((?:subgraphs|gateway|kit)\/[\w./-]+\.ts)`/g)].at(-1)?.[1] ?? file;
      return;
    }
    blocks.push({
      file: file!,
      lines: part
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean),
    });
  });
  return blocks;
}

describe('the README', () => {
  it('shows the roles and permissions the code enforces', async () => {
    expect(await readme()).toContain(permissionTable());
  });

  it('walks through adding an event with the code as it is in the files it names', async () => {
    const blocks = quotedBlocks(section(await readme(), 'Adding an event'));
    expect(blocks.map((block) => block.file)).toEqual([
      'kit/event-catalog.ts',
      'subgraphs/sales/src/modules/opportunity/opportunity.service.ts',
      'subgraphs/sales/src/modules/opportunity/opportunity.handlers.ts',
      'subgraphs/sales/src/app.ts',
      'gateway/subscriptions/topics.ts',
    ]);
    for (const { file, lines } of blocks) {
      const source = (await readFile(file, 'utf8')).split('\n').map((line) => line.trim());
      let at = source.indexOf(lines[0]!);
      expect([file, at === -1 ? `missing: ${lines[0]}` : 'found']).toEqual([file, 'found']);
      for (const line of lines.slice(1)) {
        at = source.indexOf(line, at + 1);
        expect([file, at === -1 ? `missing after the previous line: ${line}` : 'found']).toEqual([file, 'found']);
      }
    }
  });
});
