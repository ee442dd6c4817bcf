import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { OptimisticLockError } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { DomainError } from '@crm/kit/errors.js';
import { eventually } from '../../../tests/helpers/eventually.js';
import { InteractionChannel } from '../src/modules/interaction/interaction.entity.js';
import { SegmentKind } from '../src/modules/segment/segment.entity.js';
import { createSegment, updateSegment } from '../src/modules/segment/segment.service.js';
import { advanceEnrolment, createSequence, enrolInSequence } from '../src/modules/sequence/sequence.service.js';
import { useFreshMarketingDatabase } from './database.js';

const { em } = useFreshMarketingDatabase();

/** A record at its first version, how to change it as one writer, and what a reader finds stored. */
interface Versioned {
  table: string;
  id: string;
  version: number;
  change(em: EntityManager, id: string, version: number, writer: string): Promise<unknown>;
  stored(): Promise<{ state: unknown; version: number }>;
  /** What is stored after the first writer's change alone. */
  afterFirst: unknown;
}

const row = async (table: string, column: string, id: string) =>
  (await em().getConnection().execute<Array<{ state: unknown; version: number }>>(`select ${column} as state, version from ${table} where id = ?`, [id]))[0]!;

const cases: Array<[string, () => Promise<Versioned>]> = [
  [
    'updateSegment',
    async () => {
      const segment = await createSegment(em(), { name: `List ${randomUUID()}`, kind: SegmentKind.STATIC });
      return {
        table: 'segment',
        id: segment.id,
        version: segment.version,
        change: (em, id, version, writer) => updateSegment(em, id, version, { name: writer }),
        stored: () => row('segment', 'name', segment.id),
        afterFirst: 'first',
      };
    },
  ],
  [
    'advanceSequenceEnrolment',
    async () => {
      const sequence = await createSequence(em(), {
        name: `Sequence ${randomUUID()}`,
        steps: ['welcome-from-your-dealer', 'meet-your-sales-rep', 'book-a-test-drive'].map((template) => ({
          channel: InteractionChannel.EMAIL,
          template,
          delayHours: 0,
        })),
      });
      const enrolment = await em().transactional((tx) => enrolInSequence(tx, { sequenceId: sequence.id, customerId: randomUUID() }));
      return {
        table: 'sequence_enrolment',
        id: enrolment.id,
        version: enrolment.version,
        change: (em, id, version) => advanceEnrolment(em, id, version),
        stored: () => row('sequence_enrolment', 'current_step', enrolment.id),
        afterFirst: 2,
      };
    },
  ],
];

const waitingToUpdate = async (table: string) =>
  (
    await em()
      .getConnection()
      .execute<Array<{ n: number }>>(
        `select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query like ?`,
        [`update "${table}"%`],
      )
  )[0]!.n;

describe('a change carries the version its writer read', () => {
  it.each(cases)('%s: a stale version is CONFLICT before anything is written', async (_, setup) => {
    const record = await setup();
    await record.change(em(), record.id, record.version, 'first');
    const stale = await record.change(em(), record.id, record.version, 'second').catch((error: unknown) => error);
    expect(stale).toBeInstanceOf(DomainError);
    expect((stale as DomainError).extensions.code).toBe('CONFLICT');
    expect(await record.stored()).toEqual({ state: record.afterFirst, version: record.version + 1 });
  });

  it.each(cases)('%s: of two writers that read the same version at once, the second fails while the first holds the row', async (_, setup) => {
    const record = await setup();
    const initial = await record.stored();
    const first = em();
    const second = em();
    await first.begin();
    await second.begin();
    try {
      await record.change(first, record.id, record.version, 'first');
      // Reads the version the first has not committed yet, so it passes assertVersion; its UPDATE waits for the row.
      const changed = record.change(second, record.id, record.version, 'second').then(
        () => 'changed',
        (error: unknown) => error,
      );
      await eventually(async () => expect(await waitingToUpdate(record.table)).toBe(1));
      await first.commit();
      expect(await changed).toBeInstanceOf(OptimisticLockError);
    } finally {
      for (const em of [first, second]) if (em.isInTransaction()) await em.rollback();
    }
    expect(await record.stored()).toEqual({ state: record.afterFirst, version: initial.version + 1 });
  });
});
