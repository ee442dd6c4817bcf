import type { EntityManager } from '@mikro-orm/postgresql';
import { archived, badInput, conflict, notFound } from '@crm/kit/errors.js';
import { TEMPLATES } from '../messaging/templates/catalog.js';
import { recordEvent } from '@crm/kit/events.js';
import { liveCustomerId } from '@crm/kit/customer-aliases.js';
import { parseId } from '@crm/kit/ids.js';
import { assertVersion } from '@crm/kit/versioning.js';
import { runStepsNow } from './sequence.steps.js';
import { STAGE_MARKERS } from '@crm/kit/event-catalog.js';
import { Sequence, SequenceEnrolment, SequenceEnrolmentStatus as E, SequenceStepAction as A, SequenceStepCondition as Cond } from './sequence.entity.js';
import type { CreateSequenceInput, EnrolInSequenceInput, ExitSequenceInput } from './sequence.inputs.js';
import { findById } from '@crm/kit/rows.js';

export async function getSequence(em: EntityManager, id: string, field = 'id'): Promise<Sequence> {
  const found = await em.findOne(Sequence, { id: parseId(id, 'Sequence', field) });
  if (!found) throw notFound('Sequence', id);
  return found;
}

export async function getEnrolment(em: EntityManager, id: string): Promise<SequenceEnrolment> {
  const found = await findById(em, SequenceEnrolment, parseId(id, 'SequenceEnrolment'));
  if (!found) throw notFound('SequenceEnrolment', id);
  return found;
}

export async function createSequence(em: EntityManager, input: CreateSequenceInput): Promise<Sequence> {
  input.steps.forEach((step, index) => {
    const action = step.action ?? A.SEND_MESSAGE;
    if (action === A.SEND_MESSAGE && !TEMPLATES[step.template.trim()]) {
      throw badInput(`There is no message template "${step.template}"; use one of ${Object.keys(TEMPLATES).join(', ')}`, `steps.${index}.template`);
    }
    if (step.condition === Cond.DEAL_AT_STAGE && !STAGE_MARKERS.includes(step.stageMarker as never)) {
      throw badInput(`DEAL_AT_STAGE needs a stageMarker, one of ${STAGE_MARKERS.join(', ')}`, `steps.${index}.stageMarker`);
    }
    if ((step.condition === Cond.PREVIOUS_OPENED || step.condition === Cond.PREVIOUS_NOT_OPENED) && index === 0) {
      throw badInput('The first step has no previous message to branch on', `steps.${index}.condition`);
    }
  });
  const sequence = em.create(Sequence, {
    name: input.name.trim(),
    steps: input.steps.map((step, index) => ({
      position: index + 1,
      channel: step.channel,
      template: step.template.trim(),
      delayHours: step.delayHours,
      action: step.action ?? A.SEND_MESSAGE,
      condition: step.condition ?? Cond.ALWAYS,
      stageMarker: step.condition === Cond.DEAL_AT_STAGE ? step.stageMarker! : null,
    })),
  });
  recordEvent(em, {
    type: 'SequenceCreated',
    aggregateId: sequence.id,
    payload: { sequenceId: sequence.id, name: sequence.name, steps: sequence.steps.length },
  });
  await em.flush();
  return sequence;
}

/** A customer is in a sequence at most once at a time; a finished enrolment allows a new one. */
export async function enrolInSequence(
  em: EntityManager,
  input: EnrolInSequenceInput,
  personalization: Record<string, unknown> | null = null,
): Promise<SequenceEnrolment> {
  const sequence = await getSequence(em, input.sequenceId, 'sequenceId');
  if (sequence.archivedAt) throw archived('Sequence', sequence.id);
  // The customer as it is now, locked until this write commits: a merge moving their enrolments waits for it (ADR 16).
  const customerId = await liveCustomerId(em, parseId(input.customerId, 'Customer', 'customerId'));
  if (await em.count(SequenceEnrolment, { sequenceId: sequence.id, customerId, status: E.ACTIVE })) {
    throw conflict(`Customer ${customerId} is already enrolled in "${sequence.name}"`);
  }
  const enrolment = em.create(SequenceEnrolment, {
    sequenceId: sequence.id,
    customerId,
    currentStep: 1,
    status: E.ACTIVE,
    personalization,
    nextStepAt: afterHours(new Date(), sequence.steps[0]?.delayHours ?? 0),
  });
  recordEvent(em, {
    type: 'SequenceEnrolled',
    aggregateId: enrolment.id,
    payload: { enrolmentId: enrolment.id, sequenceId: sequence.id, customerId, personalization },
  });
  await em.flush();
  // A first step due now goes now, not at the next tick of the steps' clock.
  if (sequence.steps[0]?.delayHours === 0) await runStepsNow(em);
  return enrolment;
}

/** The sequence an automation enrols into, created with its default steps the first time it is needed. */
export async function ensureSequence(em: EntityManager, input: CreateSequenceInput): Promise<Sequence> {
  return (await em.findOne(Sequence, { name: input.name })) ?? createSequence(em, input);
}

/** An automation's enrolment: none when the customer is already in the sequence (e.g. an event seen again). */
export async function enrolUnlessActive(
  em: EntityManager,
  sequence: Sequence,
  customerId: string,
  personalization: Record<string, unknown> | null = null,
): Promise<SequenceEnrolment | null> {
  if (await em.count(SequenceEnrolment, { sequenceId: sequence.id, customerId, status: E.ACTIVE })) return null;
  return enrolInSequence(em, { sequenceId: sequence.id, customerId }, personalization);
}

async function activeEnrolment(em: EntityManager, id: string, version: number): Promise<SequenceEnrolment> {
  const enrolment = await getEnrolment(em, id);
  assertVersion(enrolment, version, 'SequenceEnrolment');
  if (enrolment.status !== E.ACTIVE) throw conflict(`Enrolment ${enrolment.id} is ${enrolment.status}, no longer ACTIVE`);
  return enrolment;
}

/** The current step's message went out: move to the next step, or complete after the last one. */
export async function advanceEnrolment(em: EntityManager, id: string, version: number): Promise<SequenceEnrolment> {
  const enrolment = await activeEnrolment(em, id, version);
  const sequence = await getSequence(em, enrolment.sequenceId);
  moveToNextStep(em, enrolment, sequence, new Date());
  await em.flush();
  return enrolment;
}

/** The current step is done (its message queued, or skipped by hand): the next one is due after its delay. */
export function moveToNextStep(em: EntityManager, enrolment: SequenceEnrolment, sequence: Sequence, now: Date): void {
  const payload = { enrolmentId: enrolment.id, sequenceId: sequence.id, customerId: enrolment.customerId, completedStep: enrolment.currentStep };
  if (enrolment.currentStep >= sequence.steps.length) {
    enrolment.status = E.COMPLETED;
    enrolment.endedAt = now;
    enrolment.nextStepAt = null;
    recordEvent(em, { type: 'SequenceCompleted', aggregateId: enrolment.id, payload });
  } else {
    enrolment.currentStep += 1;
    enrolment.nextStepAt = afterHours(now, sequence.steps[enrolment.currentStep - 1]!.delayHours);
    recordEvent(em, {
      type: 'SequenceStepAdvanced',
      aggregateId: enrolment.id,
      payload: { ...payload, currentStep: enrolment.currentStep },
    });
  }
}

const afterHours = (from: Date, hours: number) => new Date(from.getTime() + hours * 3_600_000);

export async function exitSequence(em: EntityManager, id: string, version: number, input: ExitSequenceInput | null): Promise<SequenceEnrolment> {
  const enrolment = await activeEnrolment(em, id, version);
  enrolment.status = E.EXITED;
  enrolment.endedAt = new Date();
  enrolment.nextStepAt = null;
  enrolment.exitReason = input?.reason?.trim() || null;
  recordEvent(em, {
    type: 'SequenceExited',
    aggregateId: enrolment.id,
    payload: {
      enrolmentId: enrolment.id,
      sequenceId: enrolment.sequenceId,
      customerId: enrolment.customerId,
      atStep: enrolment.currentStep,
      reason: enrolment.exitReason,
    },
  });
  await em.flush();
  return enrolment;
}

/** Ends every active enrolment of the customer (e.g. they withdrew marketing consent), each with its event. */
export async function exitAllEnrolments(em: EntityManager, customerId: string, reason: string): Promise<number> {
  return endEnrolments(em, await em.find(SequenceEnrolment, { customerId, status: E.ACTIVE }), reason);
}

/** Ends these active enrolments (an automation's exit, e.g. the deal was won), each with its SequenceExited. */
export async function endEnrolments(em: EntityManager, active: SequenceEnrolment[], reason: string): Promise<number> {
  for (const enrolment of active) {
    enrolment.status = E.EXITED;
    enrolment.endedAt = new Date();
    enrolment.nextStepAt = null;
    enrolment.exitReason = reason;
    recordEvent(em, {
      type: 'SequenceExited',
      aggregateId: enrolment.id,
      payload: { enrolmentId: enrolment.id, sequenceId: enrolment.sequenceId, customerId: enrolment.customerId, atStep: enrolment.currentStep, reason },
    });
  }
  await em.flush();
  return active.length;
}
