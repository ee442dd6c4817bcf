import { Arg, Args, Ctx, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { connectionOf, ConnectionType, PageArgs } from '@crm/kit/pagination/connection.js';
import type { SalesContext } from '../../context.js';
import { CreateLeadRoutingRuleInput } from './routing.inputs.js';
import { LeadRoutingRule } from './routing-rule.entity.js';
import { leadRoutingRulesPage } from './routing.queries.js';
import { createLeadRoutingRule } from './routing.service.js';
import { Allow } from '@crm/kit/access/decorators.js';
import { ChecksStaff } from '@crm/kit/references.js';

@ObjectType()
export class LeadRoutingRuleConnection extends ConnectionType(LeadRoutingRule) {}

@Resolver(() => LeadRoutingRule)
export class LeadRoutingRuleResolver {
  @Allow('pipelines:manage')
  @Query(() => LeadRoutingRuleConnection, { description: 'Lead routing rules, newest first' })
  async leadRoutingRules(@Args() page: PageArgs, @Ctx() { em }: SalesContext): Promise<LeadRoutingRuleConnection> {
    return connectionOf(LeadRoutingRuleConnection, await leadRoutingRulesPage(em, page));
  }

  @Allow('pipelines:manage')
  @Mutation(() => LeadRoutingRule, { description: 'A new rule takes part in routing the next lead' })
  @ChecksStaff('input.candidateUserIds[]')
  createLeadRoutingRule(@Arg('input') input: CreateLeadRoutingRuleInput, @Ctx() { em }: SalesContext): Promise<LeadRoutingRule> {
    return createLeadRoutingRule(em, input);
  }
}
