import { Arg, Args, Ctx, Field, ID, Int, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { Allow } from '@crm/kit/access/decorators.js';
import { ConnectionType, connectionOf, PageArgs } from '@crm/kit/pagination/connection.js';
import { shownOnce } from '@crm/kit/mutations.js';
import type { IdentityContext } from '../../context.js';
import { StaffRole } from '../staff/user.entity.js';
import { AccessRule, AccessRuleScope } from './access-rule.entity.js';
import { CreateApiKeyInput, SetAccessRuleInput } from './access.inputs.js';
import { apiKeysPage } from './access.queries.js';
import { createApiKey, removeAccessRule, revokeApiKey, rotateApiKey, setAccessRule } from './access.service.js';
import { ApiKey } from './api-key.entity.js';

@ObjectType()
export class ApiKeyConnection extends ConnectionType(ApiKey) {}

@ObjectType({
  description: 'A key with its secret: the only time the secret is shown (a retry with the same Idempotency-Key does not show it again)',
})
export class ApiKeyWithSecret {
  @Field(() => ApiKey) apiKey!: ApiKey;
  @Field({ description: 'Send it as Authorization: Bearer <secret>. Store it now: only its hash is kept' }) secret!: string;
}

/** The secret is stored nowhere, not even for an Idempotency-Key: a retry is refused, naming the key (kit/mutations.ts). */
const RETRY =
  'Sent again with the same Idempotency-Key it changes nothing and fails with CONFLICT (reason SECRET_SHOWN_ONCE, id: the key), as the secret is stored nowhere';
const LOST_SECRET = 'If that answer was lost, call rotateApiKey for this key (with a new Idempotency-Key) to get a new secret.';

@Resolver()
export class AccessResolver {
  @Allow('apikeys:manage')
  @Query(() => ApiKeyConnection, { description: 'API keys, newest first' })
  async apiKeys(@Args() page: PageArgs, @Ctx() { em }: IdentityContext): Promise<ApiKeyConnection> {
    return connectionOf(ApiKeyConnection, await apiKeysPage(em, page));
  }

  @Allow('apikeys:manage')
  @Mutation(() => ApiKeyWithSecret, {
    description: `Creates a key for a partner application and shows its secret once. ${RETRY}: rotate the key for a new secret`,
  })
  async createApiKey(@Arg('input') input: CreateApiKeyInput, @Ctx() { em, viewer }: IdentityContext): Promise<ApiKeyWithSecret> {
    return shownOnce(await createApiKey(em, input, viewer), ['secret'], LOST_SECRET);
  }

  @Allow('apikeys:manage')
  @Mutation(() => ApiKeyWithSecret, {
    description: `Gives the key a new secret, shown once; the old secret stops working at once. ${RETRY}: rotate again with a new Idempotency-Key`,
  })
  async rotateApiKey(@Arg('id', () => ID) id: string, @Arg('version', () => Int) version: number, @Ctx() { em }: IdentityContext): Promise<ApiKeyWithSecret> {
    return shownOnce(await rotateApiKey(em, id, version), ['secret'], LOST_SECRET);
  }

  @Allow('apikeys:manage')
  @Mutation(() => ApiKey, { description: 'Stops the key for good' })
  revokeApiKey(@Arg('id', () => ID) id: string, @Arg('version', () => Int) version: number, @Ctx() { em }: IdentityContext): Promise<ApiKey> {
    return revokeApiKey(em, id, version);
  }

  @Allow('access:manage')
  @Query(() => [AccessRule], { description: 'Where and when calls are allowed: the organisation’s rule and each role’s' })
  accessRules(@Ctx() { em }: IdentityContext): Promise<AccessRule[]> {
    return em.find(AccessRule, {}, { orderBy: { appliesTo: 'asc' } });
  }

  @Allow('access:manage')
  @Mutation(() => AccessRule, { description: 'Sets the networks and hours allowed for everyone or one role; effective within seconds, without a restart' })
  setAccessRule(@Arg('input') input: SetAccessRuleInput, @Ctx() { em }: IdentityContext): Promise<AccessRule> {
    return setAccessRule(em, input);
  }

  @Allow('access:manage')
  @Mutation(() => Boolean, { description: 'Removes a rule; false when there was none' })
  removeAccessRule(
    @Arg('scope', () => AccessRuleScope) scope: AccessRuleScope,
    @Arg('role', () => StaffRole, { nullable: true }) role: StaffRole | null,
    @Ctx() { em }: IdentityContext,
  ): Promise<boolean> {
    return removeAccessRule(em, scope, role);
  }
}
