import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { LockMode } from '@mikro-orm/core';
import type { Clock } from '@crm/kit/clock.js';
import { enqueueJob } from '@crm/kit/jobs.js';
import { queueMessage } from '../messaging/message-send.service.js';
import { TEMPLATES } from '../messaging/templates/catalog.js';
import { Sequence, SequenceEnrolment, SequenceEnrolmentStatus } from './sequence.entity.js';
import { moveToNextStep } from './sequence.service.js';

/** The task that runs every enrolment's due step (a cron job every minute, and right after an enrolment due now). */
export const SEQUENCE_STEPS = 'sequence-steps';
const BATCH = 100;

/** Runs the due steps soon, once however many enrolments ask in the meantime. */
export async function runStepsNow(em: EntityManager): Promise<void> {
  await enqueueJob(em, SEQUENCE_STEPS, {}, { jobKey: SEQUENCE_STEPS });
}

/**
 * Every active enrolment whose step is due (by the clock) gets that step's message queued and moves on, one batch
 * per transaction. Enrolments are locked with SKIP LOCKED, so replicas share the work and none runs a step twice;
 * the unique (enrolment, step) index is the last guard.
 */
export async function runDueSteps(orm: MikroORM, clock: Clock): Promise<number> {
  let done = 0;
  for (;;) {
    const count = await orm.em.fork().transactional(async (em) => {
      const now = clock.now();
      const due = await em.find(
        SequenceEnrolment,
        { status: SequenceEnrolmentStatus.ACTIVE, nextStepAt: { $lte: now } },
        { lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE, orderBy: { nextStepAt: 'asc', id: 'asc' }, limit: BATCH },
      );
      const sequences = new Map((await em.find(Sequence, { id: { $in: [...new Set(due.map((e) => e.sequenceId))] } })).map((s) => [s.id, s]));
      for (const enrolment of due) {
        const sequence = sequences.get(enrolment.sequenceId)!;
        const step = sequence.steps[enrolment.currentStep - 1];
        if (step) {
          await queueMessage(em, {
            customerId: enrolment.customerId,
            template: step.template,
            purpose: TEMPLATES[step.template]?.purpose ?? 'MARKETING',
            channel: step.channel,
            enrolmentId: enrolment.id,
            step: step.position,
            data: personalizationData(enrolment.personalization),
          });
        }
        moveToNextStep(em, enrolment, sequence, now);
      }
      await em.flush();
      return due.length;
    });
    done += count;
    if (count < BATCH) return done;
  }
}

/** What an enrolment was personalized with, as template fields (productNames are the cars quoted in that deal). */
function personalizationData(personalization: Record<string, unknown> | null | undefined): Record<string, unknown> {
  if (!personalization) return {};
  const { productNames, ...rest } = personalization;
  return Array.isArray(productNames) && productNames.length > 0 ? { ...rest, cars: productNames } : rest;
}
