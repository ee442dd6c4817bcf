import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import ts from 'typescript';

// The event catalog is a compile-time contract: tsc (part of npm test) refuses a planted misuse of it.

const planted = path.resolve('tests/contract-probe.ts');
afterAll(() => rm(planted, { force: true }));

const PROLOGUE = `import type { EntityManager } from '@mikro-orm/postgresql';
import { defineHandler } from '@crm/kit/consumer.js';
import { recordEvent } from '@crm/kit/events.js';
declare const em: EntityManager;
export const id = '6f1c1c1e-8d6e-4b5e-9a35-0d8a1f0e2b11';
export { defineHandler, em, recordEvent };
`;

/** The compiler's errors for `code` after the prologue, each as [line of `code` (1-based), message]. */
async function compilerErrors(code: string): Promise<Array<[number, string]>> {
  await writeFile(planted, PROLOGUE + code);
  const config = ts.getParsedCommandLineOfConfigFile(path.resolve('tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined })!;
  const program = ts.createProgram([planted], { ...config.options, noEmit: true });
  const prologueLines = PROLOGUE.split('\n').length - 1;
  return ts
    .getPreEmitDiagnostics(program)
    .filter((diagnostic) => diagnostic.file?.fileName === planted)
    .map((diagnostic) => [
      diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start!).line + 1 - prologueLines,
      ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'),
    ]);
}

describe('the event catalog for tsc', () => {
  it('accepts a payload of its type, refuses a misspelled type, a missing key, a wrong value and an undeclared key', async () => {
    const errors = await compilerErrors(`
recordEvent(em, { type: 'CustomerArchived', aggregateId: id, payload: { customerId: id, archivedAt: '2026-12-04T10:00:00Z' } });
recordEvent(em, { type: 'CustomerArchivd', aggregateId: id, payload: { customerId: id, archivedAt: '2026-12-04T10:00:00Z' } });
recordEvent(em, { type: 'CustomerArchived', aggregateId: id, payload: { customerId: id } });
recordEvent(em, { type: 'CustomerMerged', aggregateId: id, payload: { survivorId: id, mergedId: id, movedIdentifiers: 'two' } });
recordEvent(em, { type: 'CustomerMerged', aggregateId: id, payload: { survivorId: id, mergedId: id, movedIdentifiers: 2, pin: '1234' } });
`);
    expect(errors.map(([line]) => line)).toEqual([3, 4, 5, 6]);
    expect(errors[0]![1]).toContain(`'"CustomerArchivd"' is not assignable`);
    expect(errors[1]![1]).toContain(`'archivedAt' is missing`);
    expect(errors[2]![1]).toContain(`'string' is not assignable to type 'number'`);
    expect(errors[3]![1]).toContain(`'pin' does not exist`);
  }, 120_000);

  it('types a handler by the events it declares: a misspelled type or a key its payload lacks does not compile', async () => {
    const errors = await compilerErrors(`
export const good = defineHandler({
  name: 'probe.good',
  on: ['OpportunityStageChanged'],
  when: (event) => event.payload.marker === 'FIRST_OFFER_SENT',
  handle: async (_em, event) => void event.payload.followUpAt?.slice(0, 10),
  afterExpiry: { skip: { lost: 'nothing' } },
});
export const misspelled = defineHandler({
  name: 'probe.misspelled',
  on: ['OpportunityStageChangd'],
  handle: async () => undefined,
  afterExpiry: { skip: { lost: 'nothing' } },
});
export const unknownKey = defineHandler({
  name: 'probe.unknown-key',
  on: ['CustomerMerged'],
  when: (event) => event.payload.marker === 'FIRST_OFFER_SENT',
  handle: async () => undefined,
  afterExpiry: { skip: { lost: 'nothing' } },
});
export const unknownMarker = defineHandler({
  name: 'probe.unknown-marker',
  on: ['OpportunityStageChanged'],
  when: (event) => event.payload.marker === 'FIRST_OFER_SENT',
  handle: async () => undefined,
  afterExpiry: { skip: { lost: 'nothing' } },
});
`);
    expect(errors.map(([line]) => line)).toEqual([11, 18, 25]);
    expect(errors[0]![1]).toContain(`'"OpportunityStageChangd"' is not assignable`);
    expect(errors[1]![1]).toContain(`Property 'marker' does not exist`);
    expect(errors[2]![1]).toContain('have no overlap');
  }, 120_000);
});
