import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { SUBGRAPHS } from '../subgraphs/kit/config.js';

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

const importsOf = (file: string) =>
  [...readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'([^']+)'/g)].map((match) => match[1]!);

describe('ownership boundaries', () => {
  it.each(SUBGRAPHS)('%s imports only its own code, the kit and packages', (name) => {
    const root = path.resolve('subgraphs', name);
    const crossings = sourceFiles(root).flatMap((file) =>
      importsOf(file)
        .filter((spec) => spec.startsWith('.'))
        .map((spec) => path.resolve(path.dirname(file), spec))
        .filter((target) => !target.startsWith(root + path.sep) && !target.startsWith(path.resolve('subgraphs', 'kit') + path.sep))
        .map((target) => `${path.relative('.', file)} → ${path.relative('.', target)}`),
    );
    expect(crossings).toEqual([]);
  });

  it('the kit imports nothing of the subgraphs or the gateway', () => {
    const kit = path.resolve('subgraphs', 'kit');
    const crossings = sourceFiles(kit).flatMap((file) =>
      importsOf(file)
        .filter((spec) => spec.startsWith('.'))
        .map((spec) => path.resolve(path.dirname(file), spec))
        .filter((target) => !target.startsWith(kit + path.sep)),
    );
    expect(crossings).toEqual([]);
  });
});
