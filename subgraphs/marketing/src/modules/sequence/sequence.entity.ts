import { Entity, Enum, Index, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { JSONObjectResolver } from 'graphql-scalars';
import { BaseEntity } from '@crm/kit/base.entity.js';
import { InteractionChannel } from '../interaction/interaction.entity.js';
import { redactInAudit } from '@crm/kit/access/personal-data.js';

export enum SequenceStepAction {
  SEND_MESSAGE = 'SEND_MESSAGE',
  CREATE_TASK = 'CREATE_TASK',
}
registerEnumType(SequenceStepAction, {
  name: 'SequenceStepAction',
  valuesConfig: { CREATE_TASK: { description: "A task for the customer's rep (sales), e.g. a call; its subject is the step's taskSubject" } },
});

/** When a step runs; when its condition does not hold, the step is skipped and the next one follows. */
export enum SequenceStepCondition {
  ALWAYS = 'ALWAYS',
  PREVIOUS_OPENED = 'PREVIOUS_OPENED',
  PREVIOUS_NOT_OPENED = 'PREVIOUS_NOT_OPENED',
  DEAL_AT_STAGE = 'DEAL_AT_STAGE',
}
registerEnumType(SequenceStepCondition, {
  name: 'SequenceStepCondition',
  valuesConfig: {
    PREVIOUS_OPENED: { description: "The previous step's message was opened (or clicked)" },
    PREVIOUS_NOT_OPENED: { description: "The previous step's message was not opened" },
    DEAL_AT_STAGE: { description: "The enrolment's opportunity is open at the stage with stageMarker" },
  },
});

@ObjectType({ description: 'One step of a sequence, run delayHours after the previous step (or the enrolment)' })
export class SequenceStep {
  @Field(() => Int, { description: '1-based' }) position!: number;
  @Field(() => InteractionChannel) channel!: InteractionChannel;
  @Field({ description: 'The message template (SEND_MESSAGE); for a CREATE_TASK step, the task' }) template!: string;
  @Field(() => Int) delayHours!: number;
  @Field(() => SequenceStepAction, { description: 'SEND_MESSAGE when not given' }) action?: SequenceStepAction;
  @Field(() => SequenceStepCondition, { description: 'ALWAYS when not given' }) condition?: SequenceStepCondition;
  @Field(() => String, { nullable: true, description: "DEAL_AT_STAGE: the stage's marker, e.g. NEGOTIATION" }) stageMarker?: string | null;
}

/** What a step does and when, with the defaults of steps written before actions and conditions existed. */
export const actionOf = (step: SequenceStep) => step.action ?? SequenceStepAction.SEND_MESSAGE;
export const conditionOf = (step: SequenceStep) => step.condition ?? SequenceStepCondition.ALWAYS;

/** A journey of messages, e.g. "Introduce the dealer". Its steps are one ordered value, replaced as a whole. */
@ObjectType()
@Entity({ tableName: 'marketing_sequence' })
@Index({ properties: ['createdAt', 'id'] })
export class Sequence extends BaseEntity {
  @Field()
  @Property({ type: 'text', unique: true })
  name!: string;

  @Field(() => [SequenceStep])
  @Property({ type: 'json' })
  steps!: SequenceStep[];

  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  archivedAt?: Date | null;
}

export enum SequenceEnrolmentStatus {
  ACTIVE = 'ACTIVE',
  COMPLETED = 'COMPLETED',
  EXITED = 'EXITED',
}
registerEnumType(SequenceEnrolmentStatus, { name: 'SequenceEnrolmentStatus' });

@ObjectType()
@Entity({ tableName: 'sequence_enrolment' })
@Index({ properties: ['sequenceId', 'status', 'createdAt', 'id'] })
@Index({ properties: ['sequenceId', 'createdAt', 'id'] })
@Index({ properties: ['customerId', 'sequenceId', 'status'] })
@Index({ properties: ['customerId', 'createdAt', 'id'] })
@Index({ properties: ['status', 'nextStepAt'] })
// At most one ACTIVE enrolment per customer and sequence, even when two enrolments race.
@Index({
  name: 'sequence_enrolment_one_active_index',
  expression: 'create unique index "sequence_enrolment_one_active_index" on "sequence_enrolment" ("sequence_id", "customer_id") where "status" = \'ACTIVE\'',
})
export class SequenceEnrolment extends BaseEntity {
  // A declared relation (its id only): enrolments are the sequence's history, so sequences are archived (restrict).
  @ManyToOne(() => Sequence, { fieldName: 'sequence_id', mapToPk: true, deleteRule: 'restrict' })
  sequenceId!: string;

  @Property({ type: 'uuid' })
  customerId!: string;

  @Field(() => Int, { description: 'The step whose message is next or being sent, 1-based' })
  @Property({ type: 'integer' })
  currentStep!: number;

  @Field(() => SequenceEnrolmentStatus)
  @Enum({ items: () => SequenceEnrolmentStatus, nativeEnumName: 'sequence_enrolment_status' })
  status!: SequenceEnrolmentStatus;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  exitReason?: string | null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  endedAt?: Date | null;

  @Field(() => Date, { nullable: true, description: "When the current step's message is due (null once it ended)" })
  @Property({ type: 'timestamptz', nullable: true })
  nextStepAt?: Date | null;

  @Field(() => JSONObjectResolver, { nullable: true, description: 'What the messages are personalized with, e.g. the products of the latest quote' })
  @Property({ type: 'json', nullable: true })
  personalization?: Record<string, unknown> | null;
}

redactInAudit(SequenceEnrolment, ['personalization', 'exitReason']);
