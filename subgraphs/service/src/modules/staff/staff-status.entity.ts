import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/**
 * Service's copy of whether each member of staff is active, owned by identity and kept by its UserCreated and
 * UserChanged events (staff-status.handlers.ts): the assignment rules give no new case to an agent identity
 * deactivated (who left). An agent service has not heard of counts as active.
 */
@Entity({ tableName: 'staff_status' })
export class StaffStatus {
  /** identity's User.id */
  @PrimaryKey({ type: 'uuid' })
  userId!: string;

  @Property({ type: 'boolean' })
  active!: boolean;

  /** identity's User.version this status is from: an older event never overwrites a newer one. */
  @Property({ type: 'integer' })
  userVersion!: number;
}
