import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { LockMode } from '@mikro-orm/core';
import type { Clock } from '@crm/kit/clock.js';
import { enqueueJob } from '@crm/kit/jobs.js';
import { queueMessage } from '../messaging/message-send.service.js';
import { TEMPLATES } from '../messaging/templates/catalog.js';
import { recordEvent } from '@crm/kit/events.js';
import {
  actionOf,
  conditionOf,
  Sequence,
  SequenceEnrolment,
  SequenceEnrolmentStatus,
  SequenceStepAction,
  SequenceStepCondition,
  type SequenceStep,
} from './sequence.entity.js';
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
        if (step && (await conditionHolds(em, enrolment, step))) await runStep(em, enrolment, step);
        moveToNextStep(em, enrolment, sequence, now);
      }
      await em.flush();
      return due.length;
    });
    done += count;
    if (count < BATCH) return done;
  }
}

/** The step's action: its message queued, or sales asked for a task for the customer's rep. */
async function runStep(em: EntityManager, enrolment: SequenceEnrolment, step: SequenceStep): Promise<void> {
  if (actionOf(step) === SequenceStepAction.CREATE_TASK) {
    recordEvent(em, {
      type: 'SequenceTaskRequested',
      aggregateId: enrolment.id,
      payload: {
        enrolmentId: enrolment.id,
        sequenceId: enrolment.sequenceId,
        customerId: enrolment.customerId,
        step: step.position,
        subject: step.template,
        opportunityId: dealOf(enrolment),
      },
    });
    return;
  }
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

/** The branch: whether the previous step's message was opened, or where the enrolment's deal stands, now. */
async function conditionHolds(em: EntityManager, enrolment: SequenceEnrolment, step: SequenceStep): Promise<boolean> {
  switch (conditionOf(step)) {
    case SequenceStepCondition.ALWAYS:
      return true;
    case SequenceStepCondition.PREVIOUS_OPENED:
    case SequenceStepCondition.PREVIOUS_NOT_OPENED: {
      const [previous] = await em.execute<Array<{ opened: boolean }>>(
        'select opened_at is not null as opened from message_send where enrolment_id = ? and step = ?',
        [enrolment.id, step.position - 1],
      );
      const opened = previous?.opened ?? false;
      return conditionOf(step) === SequenceStepCondition.PREVIOUS_OPENED ? opened : !opened;
    }
    case SequenceStepCondition.DEAL_AT_STAGE: {
      const opportunityId = dealOf(enrolment);
      if (!opportunityId) return false;
      const [deal] = await em.execute<Array<{ marker: string | null; is_open: boolean }>>('select marker, is_open from opportunity_state where id = ?', [
        opportunityId,
      ]);
      return deal?.is_open === true && deal.marker === step.stageMarker;
    }
  }
}

/** The opportunity an enrolment is about (the "first offer sent" sequence's), if any. */
const dealOf = (enrolment: SequenceEnrolment): string | null =>
  typeof enrolment.personalization?.opportunityId === 'string' ? enrolment.personalization.opportunityId : null;

/** What an enrolment was personalized with, as template fields (productNames are the cars quoted in that deal). */
function personalizationData(personalization: Record<string, unknown> | null | undefined): Record<string, unknown> {
  if (!personalization) return {};
  const { productNames, ...rest } = personalization;
  return Array.isArray(productNames) && productNames.length > 0 ? { ...rest, cars: productNames } : rest;
}
