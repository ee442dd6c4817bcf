import { Arg, Args, Ctx, FieldResolver, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { connectionOf, ConnectionType, PageArgs } from '@crm/kit/pagination/connection.js';
import type { MarketingContext } from '../../context.js';
import { Customer } from '../customer/customer.reference.js';
import { NpsSummary, SurveyResponse } from './survey.entity.js';
import { AnswerSurveyInput, SurveyResponseFilter } from './survey.inputs.js';
import { npsSummary, surveyResponsesPage } from './survey.queries.js';
import { answerSurvey } from './survey.service.js';
import { Allow } from '@crm/kit/access/decorators.js';
import { ChecksCustomers } from '@crm/kit/customer-references.js';

@ObjectType()
export class SurveyResponseConnection extends ConnectionType(SurveyResponse) {}

@Resolver(() => SurveyResponse)
export class SurveyResolver {
  @Allow('marketing:read')
  @Query(() => SurveyResponseConnection, { description: 'NPS answers, newest first' })
  async surveyResponses(
    @Args() page: PageArgs,
    @Arg('filter', () => SurveyResponseFilter, { nullable: true }) filter: SurveyResponseFilter | null,
    @Ctx() { em }: MarketingContext,
  ): Promise<SurveyResponseConnection> {
    return connectionOf(SurveyResponseConnection, await surveyResponsesPage(em, filter, page));
  }

  @Allow('marketing:read')
  @Query(() => NpsSummary)
  npsSummary(
    @Arg('filter', () => SurveyResponseFilter, { nullable: true }) filter: SurveyResponseFilter | null,
    @Ctx() { em }: MarketingContext,
  ): Promise<NpsSummary> {
    return npsSummary(em, filter);
  }

  @Allow('interactions:write')
  @Mutation(() => SurveyResponse, { description: 'Records an NPS answer (score 0–10) and puts it on the timeline' })
  @ChecksCustomers('input.customerId')
  async answerSurvey(@Arg('input') input: AnswerSurveyInput, @Ctx() { em }: MarketingContext): Promise<SurveyResponse> {
    return answerSurvey(em, input);
  }

  @FieldResolver(() => Customer)
  customer(@Root() response: SurveyResponse): Customer {
    return { id: response.customerId };
  }
}
