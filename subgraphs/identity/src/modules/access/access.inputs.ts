import { ArrayMaxSize, IsIn, Length } from 'class-validator';
import { Field, InputType } from 'type-graphql';
import { API_KEY_SCOPES } from '@crm/kit/access/permissions.js';
import { StaffRole } from '../staff/user.entity.js';
import { AccessHoursInput } from './access-hours.js';
import { AccessRuleScope } from './access-rule.entity.js';

@InputType()
export class CreateApiKeyInput {
  @Field({ description: 'What the key is for, e.g. "Leasing partner sync"' })
  @Length(1, 200)
  name!: string;

  @Field(() => [String], { description: 'Permissions it carries, e.g. ["customers:read", "interactions:write"]' })
  @ArrayMaxSize(40)
  @IsIn(API_KEY_SCOPES as string[], { each: true, message: `each scope must be one of: ${API_KEY_SCOPES.join(', ')}` })
  scopes!: string[];

  @Field(() => [String], { defaultValue: [], description: 'Networks it may call from, e.g. ["192.0.2.0/24"]; empty: anywhere' })
  @ArrayMaxSize(50)
  allowedCidrs!: string[];

  @Field(() => AccessHoursInput, { nullable: true, description: 'Hours it may call in; absent: any time' })
  allowedHours?: AccessHoursInput | null;

  @Field(() => Date, { nullable: true, description: 'When it stops working; absent: never' })
  expiresAt?: Date | null;
}

@InputType({ description: 'Where and when calls are allowed, for everyone or for one role' })
export class SetAccessRuleInput {
  @Field(() => AccessRuleScope)
  scope!: AccessRuleScope;

  @Field(() => StaffRole, { nullable: true, description: 'Required when scope is ROLE' })
  role?: StaffRole | null;

  @Field(() => [String], { defaultValue: [], description: 'Allowed networks (CIDR), e.g. the office: ["198.51.100.0/24"]; empty: any address' })
  @ArrayMaxSize(100)
  cidrs!: string[];

  @Field(() => AccessHoursInput, { nullable: true, description: 'Allowed hours; absent: any time' })
  hours?: AccessHoursInput | null;
}
