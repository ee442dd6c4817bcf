import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { outboxTypes, refusal } from '../../../tests/helpers/integration.js';
import { UNKNOWN_ID } from '../../../tests/helpers/subgraph-database.js';
import { InteractionChannel as C } from '../src/modules/interaction/interaction.entity.js';
import { SequenceEnrolmentStatus as E } from '../src/modules/sequence/sequence.entity.js';
import { enrolmentCounts, enrolmentPages } from '../src/modules/sequence/sequence.queries.js';
import { advanceEnrolment, createSequence, enrolInSequence, exitSequence } from '../src/modules/sequence/sequence.service.js';
import { useFreshMarketingDatabase } from './database.js';

// Sequences on marketing's own database: enrolling, walking the steps, leaving, and the enrolment lists. Through the
// gateway: tests/marketing-sequence.e2e.test.ts.

const { orm, em, write } = useFreshMarketingDatabase();

describe('sequences', () => {
  it('enrols customers, walks them through the steps and lets them exit', async () => {
    const sequence = await write((em) =>
      createSequence(em, {
        name: `Introduce the dealer ${randomUUID()}`,
        steps: [
          { channel: C.EMAIL, template: 'welcome-from-your-dealer', delayHours: 0 },
          { channel: C.EMAIL, template: 'meet-your-sales-rep', delayHours: 48 },
          { channel: C.SMS, template: 'book-a-test-drive', delayHours: 120 },
        ],
      }),
    );
    expect(sequence.steps.map((s) => [s.position, s.template])).toEqual([
      [1, 'welcome-from-your-dealer'],
      [2, 'meet-your-sales-rep'],
      [3, 'book-a-test-drive'],
    ]);
    const unknown = await refusal(
      write((em) => createSequence(em, { name: `Typo ${randomUUID()}`, steps: [{ channel: C.EMAIL, template: 'welcome-from-your-deler', delayHours: 0 }] })),
    );
    expect(unknown).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { field: 'steps.0.template' } });
    const [walker, quitter] = [randomUUID(), randomUUID()];
    const enrol = (customerId: string) => write((em) => enrolInSequence(em, { sequenceId: sequence.id, customerId }));
    let enrolment = await enrol(walker);
    expect(enrolment).toMatchObject({ status: 'ACTIVE', currentStep: 1, customerId: walker, sequenceId: sequence.id });
    expect((await refusal(enrol(walker))).code).toBe('CONFLICT');

    for (const expected of [
      [2, 'ACTIVE'],
      [3, 'ACTIVE'],
      [3, 'COMPLETED'],
    ] as const) {
      const { id, version } = enrolment;
      enrolment = await write((em) => advanceEnrolment(em, id, version));
      expect([enrolment.currentStep, enrolment.status]).toEqual(expected);
    }
    const quit = await enrol(quitter);
    const exited = await write((em) => exitSequence(em, quit.id, quit.version, { reason: 'Consent withdrawn' }));
    expect(exited).toMatchObject({ status: 'EXITED', exitReason: 'Consent withdrawn' });
    expect((await refusal(write((em) => exitSequence(em, quit.id, exited.version, null)))).code).toBe('CONFLICT');
    expect(await outboxTypes(orm(), enrolment.id)).toEqual(['SequenceEnrolled', 'SequenceStepAdvanced', 'SequenceStepAdvanced', 'SequenceCompleted']);
    expect(await outboxTypes(orm(), quit.id)).toEqual(['SequenceEnrolled', 'SequenceExited']);

    const [completed] = await enrolmentPages(em(), 'sequenceId', [sequence.id], { statuses: [E.COMPLETED] }, { first: 10 });
    expect(completed!.edges.map((e) => e.node.customerId)).toEqual([walker]);
    expect(await enrolmentCounts(em(), 'sequenceId', [sequence.id], null)).toEqual([2]);
    const [page1] = await enrolmentPages(em(), 'sequenceId', [sequence.id], null, { first: 1 });
    const [page2] = await enrolmentPages(em(), 'sequenceId', [sequence.id], null, { first: 1, after: page1!.pageInfo.endCursor });
    expect(page2!.edges.map((e) => e.node.customerId)).toEqual([walker]);

    expect((await refusal(write((em) => enrolInSequence(em, { sequenceId: UNKNOWN_ID, customerId: walker })))).code).toBe('NOT_FOUND');
  });
});
