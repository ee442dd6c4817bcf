import type { Opt } from '@mikro-orm/core';
import { Entity, Enum, Index, Property } from '@mikro-orm/decorators/legacy';
import { Field, ID, ObjectType } from 'type-graphql';
import { BaseEntity } from '@crm/kit/base.entity.js';
import { CaseCategory, CaseLine, CasePriority } from '../case/case.enums.js';

@ObjectType({
  description:
    'Which agents get new cases of a line of support (optionally only of a priority or category); the most specific matching rule wins, and of its agents the one with the fewest open cases',
})
@Entity({ tableName: 'case_assignment_rule' })
@Index({ properties: ['createdAt', 'id'] })
@Index({ properties: ['line', 'active'] })
export class CaseAssignmentRule extends BaseEntity {
  @Field()
  @Property({ type: 'text' })
  name!: string;

  @Field(() => CaseLine, { description: 'The line of support whose new cases it assigns' })
  @Enum({ items: () => CaseLine, nativeEnumName: 'case_line' })
  line!: CaseLine;

  @Field(() => CasePriority, { nullable: true, description: 'Matches only cases of this priority; null matches any' })
  @Enum({ items: () => CasePriority, nativeEnumName: 'case_priority', nullable: true })
  priority?: CasePriority | null;

  @Field(() => CaseCategory, { nullable: true, description: 'Matches only cases of this category; null matches any' })
  @Enum({ items: () => CaseCategory, nativeEnumName: 'case_category', nullable: true })
  category?: CaseCategory | null;

  @Field(() => [ID], { description: 'The agents (user ids) who may get the case; the one with the fewest open cases does, the first listed on a tie' })
  @Property({ type: 'string[]', columnType: 'uuid[]' })
  agentIds!: string[];

  @Field(() => Boolean)
  @Property({ type: 'boolean' })
  active: Opt<boolean> = true;
}
