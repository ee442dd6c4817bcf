import { randomUUID } from 'node:crypto';
import type { Opt } from '@mikro-orm/core';
import { Entity, Index, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/decorators/legacy';
import { Field, ObjectType } from 'type-graphql';
import { BaseEntity } from '@crm/kit/base.entity.js';
import { User } from './user.entity.js';

@ObjectType({ description: 'A group of staff with a manager, e.g. a showroom' })
@Entity({ tableName: 'staff_team' })
@Index({ properties: ['name', 'id'] })
export class Team extends BaseEntity {
  @Field()
  @Unique()
  @Property({ type: 'text' })
  name!: string;

  @Index()
  @ManyToOne(() => User, { fieldName: 'manager_id', mapToPk: true, nullable: true, deleteRule: 'set null' })
  managerId?: string | null;
}

/** Membership of a user in a team. */
@Entity({ tableName: 'staff_team_member' })
@Unique({ properties: ['team', 'user'] })
export class TeamMember {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => Team, { deleteRule: 'cascade' })
  team!: Team;

  @Index()
  @ManyToOne(() => User, { deleteRule: 'cascade' })
  user!: User;

  @Property({ type: 'timestamptz' })
  joinedAt: Opt<Date> = new Date();
}
