import { Arg, Args, Ctx, ID, Int, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { Allow } from '@crm/kit/access/decorators.js';
import { connectionOf, ConnectionType, PageArgs } from '@crm/kit/pagination/connection.js';
import type { ServiceContext } from '../../context.js';
import { CreateCaseAssignmentRuleInput, UpdateCaseAssignmentRuleInput } from './assignment.inputs.js';
import { caseAssignmentRulesPage } from './assignment.queries.js';
import { createCaseAssignmentRule, updateCaseAssignmentRule } from './assignment.service.js';
import { CaseAssignmentRule } from './case-assignment-rule.entity.js';
import { ChecksStaff } from '@crm/kit/references.js';

@ObjectType()
export class CaseAssignmentRuleConnection extends ConnectionType(CaseAssignmentRule) {}

@Resolver(() => CaseAssignmentRule)
export class CaseAssignmentRuleResolver {
  @Allow('cases:manage')
  @Query(() => CaseAssignmentRuleConnection, { description: 'Case assignment rules, newest first' })
  async caseAssignmentRules(@Args() page: PageArgs, @Ctx() { em }: ServiceContext): Promise<CaseAssignmentRuleConnection> {
    return connectionOf(CaseAssignmentRuleConnection, await caseAssignmentRulesPage(em, page));
  }

  @Allow('cases:manage')
  @Mutation(() => CaseAssignmentRule, { description: 'A new rule takes part in assigning the next new case' })
  @ChecksStaff('input.agentIds[]')
  createCaseAssignmentRule(@Arg('input') input: CreateCaseAssignmentRuleInput, @Ctx() { em }: ServiceContext): Promise<CaseAssignmentRule> {
    return createCaseAssignmentRule(em, input);
  }

  @Allow('cases:manage')
  @Mutation(() => CaseAssignmentRule, { description: "Changes a rule's agents or switches it off; CONFLICT when the version is stale" })
  @ChecksStaff('input.agentIds[]')
  updateCaseAssignmentRule(
    @Arg('id', () => ID) id: string,
    @Arg('version', () => Int) version: number,
    @Arg('input') input: UpdateCaseAssignmentRuleInput,
    @Ctx() { em }: ServiceContext,
  ): Promise<CaseAssignmentRule> {
    return updateCaseAssignmentRule(em, id, version, input);
  }
}
