import { Arg, Args, Ctx, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { connectionOf, ConnectionType, countWhere, fetchKeysetPage, PageArgs } from '../../../../kit/pagination.js';
import type { SalesContext } from '../../context.js';
import { CreateLeadRoutingRuleInput } from './routing.inputs.js';
import { LeadRoutingRule } from './routing-rule.entity.js';
import { createLeadRoutingRule } from './routing.service.js';
import { Allow } from '../../../../kit/access/decorators.js';

@ObjectType()
export class LeadRoutingRuleConnection extends ConnectionType(LeadRoutingRule) {}

@Resolver(() => LeadRoutingRule)
export class LeadRoutingRuleResolver {
  @Allow('pipelines:manage')
  @Query(() => LeadRoutingRuleConnection, { description: 'Lead routing rules, newest first' })
  async leadRoutingRules(@Args() page: PageArgs, @Ctx() { em }: SalesContext): Promise<LeadRoutingRuleConnection> {
    const found = await fetchKeysetPage(
      em,
      {
        entity: LeadRoutingRule,
        table: 'lead_routing_rule',
        orderBy: { column: 'created_at', property: 'createdAt', descending: true },
      },
      page,
    );
    return connectionOf(LeadRoutingRuleConnection, found, () => countWhere(em, 'lead_routing_rule'));
  }

  @Allow('pipelines:manage')
  @Mutation(() => LeadRoutingRule, { description: 'A new rule takes part in routing the next lead' })
  createLeadRoutingRule(@Arg('input') input: CreateLeadRoutingRuleInput, @Ctx() { em }: SalesContext): Promise<LeadRoutingRule> {
    return createLeadRoutingRule(em, input);
  }
}
