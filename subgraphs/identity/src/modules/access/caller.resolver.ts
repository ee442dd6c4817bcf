import { Arg, Ctx, Directive, Field, ID, ObjectType, Query, Resolver } from 'type-graphql';
import { Internal } from '@crm/kit/access/decorators.js';
import type { IdentityContext } from '../../context.js';
import { teamMemberIdsOf } from '../staff/staff.queries.js';
import { User } from '../staff/user.entity.js';
import { AccessHours } from './access-hours.js';
import { AccessRule } from './access-rule.entity.js';
import { findUsableApiKey } from './access.service.js';

/** What the gateway needs to know of a caller to build its viewer: the platform's plumbing, not client API. */
@Directive('@inaccessible')
@ObjectType()
export class Caller {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field({ description: 'user or api-key' }) kind!: string;
  @Field(() => String, { nullable: true }) role!: string | null;
  @Field(() => [String], { description: "An API key's scopes (empty for a user: their role decides)" }) scopes!: string[];
  @Field(() => [ID], { description: 'The user and everyone in the teams they belong to or manage' }) teamMemberIds!: string[];
  @Field(() => [String]) supportLines!: string[];
  @Field(() => [String], { description: "An API key's own networks" }) cidrs!: string[];
  @Field(() => AccessHours, { nullable: true, description: "An API key's own hours" }) hours!: AccessHours | null;
  @Field(() => Date, { nullable: true, description: 'When an API key stops working' }) expiresAt!: Date | null;
}

@Resolver()
export class CallerResolver {
  @Internal()
  @Query(() => Caller, { nullable: true, description: 'The active user whose tokens carry this subject' })
  async staffCaller(@Arg('subject') subject: string, @Ctx() { em }: IdentityContext): Promise<Caller | null> {
    const user = await em.findOne(User, { subject, active: true });
    if (!user) return null;
    const teamMemberIds = await teamMemberIdsOf(em, user.id);
    return {
      id: user.id,
      name: user.name,
      kind: 'user',
      role: user.role,
      scopes: [],
      teamMemberIds,
      supportLines: user.supportLines,
      cidrs: [],
      hours: null,
      expiresAt: null,
    };
  }

  @Internal()
  @Query(() => Caller, { nullable: true, description: 'The usable API key whose secret hashes so' })
  async apiKeyCaller(@Arg('secretHash') secretHash: string, @Ctx() { em }: IdentityContext): Promise<Caller | null> {
    const apiKey = await findUsableApiKey(em, secretHash);
    if (!apiKey) return null;
    return {
      id: apiKey.id,
      name: apiKey.name,
      kind: 'api-key',
      role: null,
      scopes: apiKey.scopes,
      teamMemberIds: [],
      supportLines: [],
      cidrs: apiKey.allowedCidrs,
      hours: apiKey.allowedHours ?? null,
      expiresAt: apiKey.expiresAt ?? null,
    };
  }

  @Internal()
  @Query(() => [AccessRule], { description: "The organisation's and the roles' access rules, for the gateway" })
  callerAccessRules(@Ctx() { em }: IdentityContext): Promise<AccessRule[]> {
    return em.find(AccessRule, {});
  }
}
