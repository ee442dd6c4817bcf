import { Entity, Enum, Index, ManyToOne, Property } from '@mikro-orm/decorators/legacy';
import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { BaseEntity } from '@crm/kit/base.entity.js';
import { Case } from '../case/case.entity.js';
import { CaseChannel } from '../case/case.enums.js';
import { redactInAudit } from '@crm/kit/access/personal-data.js';

export enum CaseMessageDirection {
  INBOUND = 'INBOUND',
  OUTBOUND = 'OUTBOUND',
  INTERNAL_NOTE = 'INTERNAL_NOTE',
}
registerEnumType(CaseMessageDirection, {
  name: 'CaseMessageDirection',
  description: 'INBOUND from the customer, OUTBOUND to the customer, INTERNAL_NOTE between staff only',
});

@ObjectType({ description: 'One message of a case, on whichever channel it travelled: a case keeps one history' })
@Entity({ tableName: 'case_message' })
@Index({ properties: ['caseId', 'sentAt', 'id'] })
export class CaseMessage extends BaseEntity {
  // A declared relation (its id only), so a flush inserts the case before its messages.
  @ManyToOne(() => Case, { fieldName: 'case_id', mapToPk: true, deleteRule: 'cascade' })
  caseId!: string;

  @Field(() => CaseChannel)
  @Enum({ items: () => CaseChannel, nativeEnumName: 'case_channel' })
  channel!: CaseChannel;

  @Field(() => CaseMessageDirection)
  @Enum({ items: () => CaseMessageDirection, nativeEnumName: 'case_message_direction' })
  direction!: CaseMessageDirection;

  /** Set for INBOUND messages: the customer wrote it. */
  @Property({ type: 'uuid', nullable: true })
  authorCustomerId?: string | null;

  /** Set for OUTBOUND messages and notes: a member of staff wrote it. */
  @Property({ type: 'uuid', nullable: true })
  authorUserId?: string | null;

  @Field()
  @Property({ type: 'text' })
  body!: string;

  @Field(() => Date)
  @Property({ type: 'timestamptz' })
  sentAt!: Date;
}

redactInAudit(CaseMessage, ['body']);
