import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/**
 * Sales' copy of each member of staff's name, owned by identity: sales answers `Opportunity.owner { name }` itself
 * (`@provides`), so a 360° view asks identity once, not twice (ADR 12). Kept by identity's UserCreated/UserChanged
 * and filled from identity's API for anyone sales has not heard of (staff-names.ts).
 */
@Entity({ tableName: 'staff_name' })
export class StaffName {
  /** identity's User.id */
  @PrimaryKey({ type: 'uuid' })
  userId!: string;

  @Property({ type: 'text' })
  name!: string;

  /** identity's User.version this name is from: an older one never overwrites a newer one. */
  @Property({ type: 'integer' })
  userVersion!: number;
}
