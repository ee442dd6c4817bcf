import { Arg, Args, Ctx, FieldResolver, ID, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { ConnectionType, connectionOf, lazyConnectionOf, PageArgs } from '@crm/kit/pagination/connection.js';
import type { ServiceContext } from '../../context.js';
import { WorkingCalendar } from '../calendar/working-calendar.entity.js';
import { Customer } from '../customer/customer.reference.js';
import { User } from '../staff/user.reference.js';
import { Case } from './case.entity.js';
import { CaseOrder } from './case.enums.js';
import { AssignCaseInput, CaseFilter, ChangeCaseStatusInput, EscalateCaseInput, OpenCaseInput, UpdateCaseInput } from './case.inputs.js';
import { casesAtRiskPage, casesPage } from './case.queries.js';
import { assignCase, changeCaseStatus, escalateCase, getCase, openCase, updateCase } from './case.service.js';
import { Allow } from '@crm/kit/access/decorators.js';
import { ChecksCustomers } from '@crm/kit/customer-references.js';
import { eachItem, MAX_BULK_ITEMS } from '@crm/kit/bulk.js';
import { ChecksStaff } from '@crm/kit/references.js';

@ObjectType()
export class CaseConnection extends ConnectionType(Case) {}

@Resolver(() => Case)
export class CaseResolver {
  @Allow('cases:read')
  @Query(() => Case, { name: 'case', description: 'A case by id; NOT_FOUND when there is none' })
  caseById(@Arg('id', () => ID) id: string, @Ctx() { em, viewer }: ServiceContext): Promise<Case> {
    return getCase(em, id, viewer);
  }

  @Allow('cases:read')
  @Query(() => CaseConnection, { description: 'The service queue: cases matching the filter, in the chosen order' })
  async cases(
    @Args() page: PageArgs,
    @Arg('filter', () => CaseFilter, { nullable: true }) filter: CaseFilter | null,
    @Arg('orderBy', () => CaseOrder, { defaultValue: CaseOrder.NEWEST_FIRST }) orderBy: CaseOrder,
    @Ctx() { em, viewer }: ServiceContext,
  ): Promise<CaseConnection> {
    return connectionOf(CaseConnection, await casesPage(em, filter, orderBy, viewer, page));
  }

  @Allow('cases:read')
  @Query(() => CaseConnection, {
    description:
      "Unsettled cases with an SLA deadline still to meet that is at risk: within its own at-risk window (the last part of the deadline's length, as `slaAtRisk`), or in the next `within` minutes when given; the resolution due soonest first",
  })
  async casesAtRisk(
    @Arg('within', () => Int, { nullable: true, description: 'minutes from now; omitted: each deadline by its own at-risk window' }) within: number | null,
    @Args() page: PageArgs,
    @Ctx() { em, viewer }: ServiceContext,
  ): Promise<CaseConnection> {
    return connectionOf(CaseConnection, await casesAtRiskPage(em, within, viewer, page));
  }

  @Allow('cases:write')
  @Mutation(() => Case)
  @ChecksCustomers('input.customerId')
  @ChecksStaff('input.assigneeId')
  async openCase(@Arg('input') input: OpenCaseInput, @Ctx() { em }: ServiceContext): Promise<Case> {
    return openCase(em, input);
  }

  @Allow('cases:write')
  @Mutation(() => [Case], {
    description:
      `Opens up to ${MAX_BULK_ITEMS} cases as openCase does (classified, given their deadlines and assigned), in input order. All or ` +
      'nothing: any bad item and nothing is written, the error lists every bad item (extensions.items: index, field, message). Retry with ' +
      'the same Idempotency-Key.',
  })
  @ChecksCustomers('input[].customerId')
  @ChecksStaff('input[].assigneeId')
  async openCases(@Arg('input', () => [OpenCaseInput]) input: OpenCaseInput[], @Ctx() { em }: ServiceContext): Promise<Case[]> {
    return eachItem(em, input, 'cases', (itemEm, item) => openCase(itemEm, item));
  }

  @Allow('cases:write')
  @Mutation(() => Case, { description: 'CONFLICT when the version is stale' })
  updateCase(
    @Arg('id', () => ID) id: string,
    @Arg('version', () => Int) version: number,
    @Arg('input') input: UpdateCaseInput,
    @Ctx() { em, viewer }: ServiceContext,
  ): Promise<Case> {
    return updateCase(em, id, version, input, viewer);
  }

  @Allow('cases:write')
  @Mutation(() => Case, { description: 'Moves the case along its lifecycle; a move its status forbids is CONFLICT' })
  changeCaseStatus(
    @Arg('id', () => ID) id: string,
    @Arg('version', () => Int) version: number,
    @Arg('input') input: ChangeCaseStatusInput,
    @Ctx() { em, viewer }: ServiceContext,
  ): Promise<Case> {
    return changeCaseStatus(em, id, version, input, viewer);
  }

  @Allow('cases:write')
  @Mutation(() => Case)
  @ChecksStaff('input.assigneeId')
  assignCase(
    @Arg('id', () => ID) id: string,
    @Arg('version', () => Int) version: number,
    @Arg('input') input: AssignCaseInput,
    @Ctx() { em, viewer }: ServiceContext,
  ): Promise<Case> {
    return assignCase(em, id, version, input, viewer);
  }

  @Allow('cases:write')
  @Mutation(() => Case, { description: 'Hands the case to the second line of support' })
  @ChecksStaff('input.assigneeId')
  escalateCase(
    @Arg('id', () => ID) id: string,
    @Arg('version', () => Int) version: number,
    @Arg('input', () => EscalateCaseInput, { nullable: true }) input: EscalateCaseInput | null,
    @Ctx() { em, viewer }: ServiceContext,
  ): Promise<Case> {
    return escalateCase(em, id, version, input, viewer);
  }

  @FieldResolver(() => Customer)
  customer(@Root() found: Case): Customer {
    return { id: found.customerId };
  }

  @FieldResolver(() => User, { nullable: true })
  assignee(@Root() found: Case): User | null {
    return found.assigneeId ? { id: found.assigneeId } : null;
  }

  @FieldResolver(() => WorkingCalendar, {
    nullable: true,
    description: "The working calendar its deadlines run in (business time), the contract's when it was opened; none: calendar time, 24/7",
  })
  async slaCalendar(@Root() found: Case, @Ctx() { loaders }: ServiceContext): Promise<WorkingCalendar | null> {
    return found.calendarId ? loaders.calendarById.load(found.calendarId) : null;
  }
}

@Resolver(() => Customer)
export class CustomerCasesResolver {
  @Allow('cases:read')
  @FieldResolver(() => CaseConnection, {
    nullable: true, // an outage of this subgraph nulls only this field, not the customer
    description: "The customer's cases, newest first unless ordered otherwise",
  })
  cases(
    @Root() customer: Customer,
    @Args() page: PageArgs,
    @Arg('filter', () => CaseFilter, { nullable: true }) filter: CaseFilter | null,
    @Arg('orderBy', () => CaseOrder, { defaultValue: CaseOrder.NEWEST_FIRST }) orderBy: CaseOrder,
    @Ctx() { loaders }: ServiceContext,
  ): CaseConnection {
    return lazyConnectionOf(
      CaseConnection,
      () => loaders.casePagesByCustomer({ page, filter, orderBy }).load(customer.id),
      () => loaders.caseCountByCustomer(filter).load(customer.id),
    );
  }
}
