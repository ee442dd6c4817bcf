import type { Opt } from '@mikro-orm/core';
import { Entity, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';

/**
 * Sales' copy of each member of staff's name, owned by identity: sales answers `Opportunity.owner { name }` itself
 * (`@provides`), so a 360° view asks identity once, not twice (ADR 12). Kept by identity's UserCreated/UserChanged
 * and filled from identity's API for anyone sales has not heard of (staff-names.ts). Whether they are active, too:
 * lead routing gives no new lead to someone deactivated (routing.service.ts).
 */
@Entity({ tableName: 'staff_name' })
export class StaffName {
  /** identity's User.id */
  @PrimaryKey({ type: 'uuid' })
  userId!: string;

  @Property({ type: 'text' })
  name!: string;

  /** False once identity deactivated them (they left); someone sales has not heard of counts as active. */
  @Property({ type: 'boolean', default: true })
  active: Opt<boolean> = true;

  /** identity's User.version this name is from: an older one never overwrites a newer one. */
  @Property({ type: 'integer' })
  userVersion!: number;
}
