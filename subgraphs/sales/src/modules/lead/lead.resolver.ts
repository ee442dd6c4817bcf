import { Arg, Args, Ctx, Directive, Field, FieldResolver, ID, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { connectionOf, ConnectionType, PageArgs } from '@crm/kit/pagination/connection.js';
import { MoneyInput } from '@crm/kit/scalars.js';
import type { SalesContext } from '../../context.js';
import { Customer } from '../customer/customer.reference.js';
import { Opportunity } from '../opportunity/opportunity.entity.js';
import { Product } from '../product/product.entity.js';
import { User } from '../staff/user.reference.js';
import { Lead, LeadStatus } from './lead.entity.js';
import { AssignLeadInput, ConvertLeadInput, CreateLeadInput, LeadFilter, UpdateLeadStatusInput } from './lead.inputs.js';
import { leadsPage } from './lead.queries.js';
import { assignLead, convertLead, createLead, getLead, updateLeadStatus } from './lead.service.js';
import { Allow, SignedIn } from '@crm/kit/access/decorators.js';
import { ChecksCustomers } from '@crm/kit/customer-references.js';
import { inputOrDeprecated, inputRequiredFrom, useInstead } from '@crm/kit/argument-forms.js';
import { ChecksStaff } from '@crm/kit/references.js';

@ObjectType()
export class LeadConnection extends ConnectionType(Lead) {}

@ObjectType()
export class LeadConversion {
  @Field(() => Lead) lead!: Lead;
  @Field(() => Opportunity) opportunity!: Opportunity;
}

@Resolver(() => Lead)
export class LeadResolver {
  @Allow('leads:read')
  @Query(() => Lead, { description: 'A lead by id; NOT_FOUND when there is none' })
  lead(@Arg('id', () => ID) id: string, @Ctx() { em, viewer }: SalesContext): Promise<Lead> {
    return getLead(em, id, viewer);
  }

  @Allow('leads:read')
  @Query(() => LeadConnection, { description: 'Leads, newest first' })
  async leads(
    @Args() page: PageArgs,
    @Arg('filter', () => LeadFilter, { nullable: true }) filter: LeadFilter | null,
    @Ctx() { em, viewer }: SalesContext,
  ): Promise<LeadConnection> {
    return connectionOf(LeadConnection, await leadsPage(em, filter, viewer, page));
  }

  @Allow('leads:write')
  @Mutation(() => Lead)
  @ChecksCustomers('input.customerId')
  @ChecksStaff('input.ownerId')
  async createLead(@Arg('input') input: CreateLeadInput, @Ctx() { em, viewer }: SalesContext): Promise<Lead> {
    return createLead(em, input, viewer);
  }

  @Allow('leads:write')
  @Mutation(() => Lead, { description: 'Moves the lead along its state machine; CONFLICT for a step its status forbids' })
  updateLeadStatus(
    @Arg('id', () => ID) id: string,
    @Arg('version', () => Int) version: number,
    @Arg('input', () => UpdateLeadStatusInput, { nullable: true, description: inputRequiredFrom('The new status') }) input: UpdateLeadStatusInput | null,
    @Arg('status', () => LeadStatus, { nullable: true, deprecationReason: useInstead('input: { status }') }) status: LeadStatus | null,
    @Arg('reason', () => String, { nullable: true, deprecationReason: useInstead('input: { reason }') }) reason: string | null,
    @Ctx() { em, viewer }: SalesContext,
  ): Promise<Lead> {
    const given = inputOrDeprecated(input, { status, reason }, ['status']);
    return updateLeadStatus(em, id, version, given.status, viewer, given.reason ?? null);
  }

  @Allow('leads:write')
  @Mutation(() => Lead)
  @ChecksStaff('input.ownerId', 'ownerId')
  assignLead(
    @Arg('id', () => ID) id: string,
    @Arg('version', () => Int) version: number,
    @Arg('input', () => AssignLeadInput, { nullable: true, description: inputRequiredFrom('Who takes it') }) input: AssignLeadInput | null,
    @Arg('ownerId', () => ID, { nullable: true, deprecationReason: useInstead('input: { ownerId }') }) ownerId: string | null,
    @Ctx() { em, viewer }: SalesContext,
  ): Promise<Lead> {
    return assignLead(em, id, version, inputOrDeprecated(input, { ownerId }, ['ownerId']).ownerId, viewer);
  }

  @Allow('leads:write', 'opportunities:write')
  @Mutation(() => LeadConversion, { description: "Opens an opportunity in the pipeline's first stage and marks the lead CONVERTED, in one transaction" })
  convertLead(
    @Arg('id', () => ID) id: string,
    @Arg('version', () => Int) version: number,
    @Arg('input', () => ConvertLeadInput, { nullable: true }) input: ConvertLeadInput | null,
    @Arg('pipelineId', () => ID, { nullable: true, deprecationReason: useInstead('input: { pipelineId }') }) pipelineId: string | null,
    @Arg('amount', () => MoneyInput, { nullable: true, deprecationReason: useInstead('input: { amount }') }) amount: MoneyInput | null,
    @Ctx() { em, viewer }: SalesContext,
  ): Promise<LeadConversion> {
    const given = inputOrDeprecated(input, { pipelineId, amount });
    return convertLead(em, id, version, { pipelineId: given.pipelineId ?? null, amount: given.amount ?? null }, viewer);
  }

  // Whose lead it is, who works it, what it became: not for a web form's stranger (submitWebForm's answer).
  @SignedIn()
  @FieldResolver(() => Customer, { nullable: true })
  customer(@Root() lead: Lead): Customer | null {
    return lead.customerId ? { id: lead.customerId } : null;
  }

  @SignedIn()
  @Directive('@provides(fields: "name")') // from sales' copy of staff names (staff-names.ts)
  @FieldResolver(() => User, { nullable: true })
  owner(@Root() lead: Lead): User | null {
    return lead.ownerId ? { id: lead.ownerId } : null;
  }

  @FieldResolver(() => Product, { nullable: true })
  interestProduct(@Root() lead: Lead, @Ctx() { loaders }: SalesContext): Promise<Product | null> | null {
    return lead.interestProductId ? loaders.productById.load(lead.interestProductId) : null;
  }

  @SignedIn()
  @FieldResolver(() => Opportunity, { nullable: true })
  convertedOpportunity(@Root() lead: Lead, @Ctx() { loaders }: SalesContext): Promise<Opportunity | null> | null {
    return lead.convertedOpportunityId ? loaders.opportunityById.load(lead.convertedOpportunityId) : null;
  }
}

@Resolver(() => Customer)
export class CustomerLeadsResolver {
  @Allow('leads:read')
  @FieldResolver(() => LeadConnection, { nullable: true, description: "The customer's leads, newest first" })
  async leads(
    @Root() customer: Customer,
    @Args() page: PageArgs,
    @Arg('filter', () => LeadFilter, { nullable: true }) filter: LeadFilter | null,
    @Ctx() { loaders }: SalesContext,
  ): Promise<LeadConnection> {
    const found = await loaders.leadPagesByCustomer({ page, filter }).load(customer.id);
    return connectionOf(LeadConnection, found, () => loaders.leadCountByCustomer(filter).load(customer.id));
  }
}
