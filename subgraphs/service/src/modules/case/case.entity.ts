import type { Opt } from '@mikro-orm/core';
import { Entity, Enum, Index, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { Directive, Field, ObjectType } from 'type-graphql';
import { BaseEntity } from '@crm/kit/base.entity.js';
import { service } from '../../settings.js';
import { WorkingCalendar } from '../calendar/working-calendar.entity.js';
import { atRiskMoments, firstResponseBreached, resolutionBreached, ServiceContractTier, slaAtRisk } from '../sla/sla.policy.js';
import { CaseCategory, CaseChannel, CaseLine, CasePriority, CaseStatus } from './case.enums.js';
import { redactInAudit } from '@crm/kit/access/personal-data.js';

export { CaseCategory, CaseChannel, CaseLine, CasePriority, CaseStatus } from './case.enums.js';

@ObjectType({ description: 'A service request (ticket) from a customer' })
@Directive('@key(fields: "id")')
@Entity({ tableName: 'support_case' })
@Index({ properties: ['customerId', 'createdAt', 'id'] })
@Index({ properties: ['status', 'createdAt', 'id'] })
@Index({ properties: ['createdAt', 'id'] })
@Index({ properties: ['firstResponseDueAt', 'id'] })
@Index({ properties: ['resolutionDueAt', 'id'] })
@Index({ properties: ['firstResponseAtRiskAt'] })
@Index({ properties: ['resolutionAtRiskAt'] })
@Index({ properties: ['assigneeId', 'status'] })
// caseQueue: the open cases by line and priority.
@Index({ properties: ['status', 'line', 'priority'] })
// breachingBefore: the deadlines of the cases they still concern (every resolved case's have passed).
@Index({
  name: 'support_case_unresolved_resolution_due_index',
  expression: 'create index "support_case_unresolved_resolution_due_index" on "support_case" ("resolution_due_at", "id") where "resolved_at" is null',
})
@Index({
  name: 'support_case_unanswered_first_response_due_index',
  expression:
    'create index "support_case_unanswered_first_response_due_index" on "support_case" ("first_response_due_at", "id") where "resolved_at" is null and "first_responded_at" is null',
})
export class Case extends BaseEntity {
  @Property({ type: 'uuid' })
  customerId!: string;

  @Field()
  @Property({ type: 'text' })
  subject!: string;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  description?: string | null;

  @Field(() => CaseStatus)
  @Enum({ items: () => CaseStatus, nativeEnumName: 'case_status' })
  status: Opt<CaseStatus> = CaseStatus.NEW;

  @Field(() => CasePriority)
  @Index()
  @Enum({ items: () => CasePriority, nativeEnumName: 'case_priority' })
  priority: Opt<CasePriority> = CasePriority.NORMAL;

  @Field(() => CaseCategory)
  @Index()
  @Enum({ items: () => CaseCategory, nativeEnumName: 'case_category', default: CaseCategory.GENERAL })
  category: Opt<CaseCategory> = CaseCategory.GENERAL;

  @Field(() => CaseLine, { description: 'Line of support handling the case' })
  @Index()
  @Enum({ items: () => CaseLine, nativeEnumName: 'case_line', default: CaseLine.FIRST })
  line: Opt<CaseLine> = CaseLine.FIRST;

  @Field(() => Boolean, { description: 'Category, priority and line came from the classification rules' })
  @Property({ type: 'boolean', default: false })
  autoClassified: Opt<boolean> = false;

  @Field(() => CaseChannel, { description: 'The channel the case came in on' })
  @Enum({ items: () => CaseChannel, nativeEnumName: 'case_channel' })
  channel!: CaseChannel;

  @Field(() => CaseChannel, { description: 'The channel of the latest customer conversation; the case moves with the customer' })
  @Enum({ items: () => CaseChannel, nativeEnumName: 'case_channel' })
  currentChannel!: CaseChannel;

  @Index()
  @Property({ type: 'uuid', nullable: true })
  assigneeId?: string | null;

  @Field(() => String, { nullable: true, description: 'Why the case has its assignee, or why it waits unassigned (the assignment rules)' })
  @Property({ type: 'text', nullable: true })
  assignmentReason?: string | null;

  @Field(() => ServiceContractTier, { description: "The customer's contract tier when the case was opened; it sets the SLA" })
  @Enum({ items: () => ServiceContractTier, nativeEnumName: 'service_contract_tier', default: ServiceContractTier.STANDARD })
  contractTier: Opt<ServiceContractTier> = ServiceContractTier.STANDARD;

  /** The working calendar its deadlines run in, the contract's when it was opened; null: calendar time, 24/7. */
  @ManyToOne(() => WorkingCalendar, { fieldName: 'calendar_id', mapToPk: true, nullable: true, deleteRule: 'restrict', index: true })
  calendarId?: string | null;

  @Field(() => Date)
  @Property({ type: 'timestamptz' })
  firstResponseDueAt!: Date;

  @Field(() => Date)
  @Property({ type: 'timestamptz' })
  resolutionDueAt!: Date;

  @Field(() => Date, { nullable: true, description: 'When staff first answered the customer' })
  @Property({ type: 'timestamptz', nullable: true })
  firstRespondedAt?: Date | null;

  @Field(() => Date, { nullable: true })
  @Property({ type: 'timestamptz', nullable: true })
  resolvedAt?: Date | null;

  /** When the first-response deadline comes at risk, fixed for one in business time; null: in calendar time (SLA_AT_RISK_FRACTION as it is). */
  @Property({ type: 'timestamptz', nullable: true })
  firstResponseAtRiskAt?: Date | null;

  /** When the resolution deadline comes at risk, fixed for one in business time; null: in calendar time. */
  @Property({ type: 'timestamptz', nullable: true })
  resolutionAtRiskAt?: Date | null;

  /** When CaseSlaAtRisk was emitted for the current first-response deadline (once per deadline). */
  @Property({ type: 'timestamptz', nullable: true })
  firstResponseAtRiskNotifiedAt?: Date | null;

  /** When CaseSlaAtRisk was emitted for the current resolution deadline. */
  @Property({ type: 'timestamptz', nullable: true })
  resolutionAtRiskNotifiedAt?: Date | null;

  @Field(() => Boolean, { description: 'The first response came, or is still missing, after its deadline' })
  firstResponseBreached(): boolean {
    return firstResponseBreached(this, new Date());
  }

  @Field(() => Boolean, { description: 'The resolution came, or is still missing, after its deadline' })
  resolutionBreached(): boolean {
    return resolutionBreached(this, new Date());
  }

  @Field(() => Boolean, {
    description:
      "A deadline still to be met has entered its at-risk window: the last part of the deadline's length (SLA_AT_RISK_FRACTION, a quarter by default), in business time when the contract's calendar sets the deadlines",
  })
  slaAtRisk(): boolean {
    return slaAtRisk(this, new Date(), service().SLA_AT_RISK_FRACTION);
  }

  @Field(() => Date, {
    description:
      "When the first-response deadline comes at risk: the start of its last part (SLA_AT_RISK_FRACTION), of business time when the contract's calendar sets the deadlines",
  })
  firstResponseAtRiskFrom(): Date {
    return atRiskMoments(this, service().SLA_AT_RISK_FRACTION).firstResponse;
  }

  @Field(() => Date, { description: 'When the resolution deadline comes at risk, like firstResponseAtRiskFrom' })
  resolutionAtRiskFrom(): Date {
    return atRiskMoments(this, service().SLA_AT_RISK_FRACTION).resolution;
  }
}

redactInAudit(Case, ['subject', 'description']);
