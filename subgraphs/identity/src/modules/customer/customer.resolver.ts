import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, ID, Info, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { selectsAny } from '@crm/kit/selection.js';
import { ConnectionType, connectionOf, PageArgs } from '@crm/kit/pagination/connection.js';
import type { IdentityContext } from '../../context.js';
import { Customer, CustomerKind } from './customer.entity.js';
import { CreateCustomerInput, CustomerFilter, CustomerOrder, CustomerProfileInput, IdentifierInput, ResolveCustomerInput } from './customer.inputs.js';
import { customersPage, searchCustomerIds, type Contact } from './customer.queries.js';
import { CustomerResolution, CustomerSearchHit } from './customer.results.js';
import { archiveCustomer, createCustomer, getCustomerRecord, updateCustomer } from './customer.service.js';
import { parseId } from '@crm/kit/ids.js';
import { notFound } from '@crm/kit/errors.js';
import { Identifier, IdentifierKind } from './identifier.entity.js';
import { addIdentifier, removeIdentifier, resolveCustomer } from './identifier.service.js';
import { mergeCustomers } from './merge.service.js';
import { Allow, PersonalData } from '@crm/kit/access/decorators.js';
import { hitCount, searchTerm } from '@crm/kit/input-limits.js';
import { withinDeadline } from '@crm/kit/deadline.js';

@ObjectType()
export class CustomerConnection extends ConnectionType(Customer) {}

const MAX_SEARCH_HITS = 50;
/** The fields read from a customer's identifiers. */
const IDENTIFIER_FIELDS = new Set(['identifiers']);
const CONTACT_FIELDS = new Set(['emails', 'phones']);

@Resolver(() => Customer)
export class CustomerResolver {
  @Allow('customers:read')
  @Query(() => Customer, { description: 'A customer by id (a merged id gives its survivor); NOT_FOUND when there is none' })
  async customer(@Arg('id', () => ID) id: string, @Ctx() { loaders }: IdentityContext, @Info() info: GraphQLResolveInfo): Promise<Customer> {
    // Read through the request's loader (plain rows, merged ids to their survivor), as getCustomer finds it; with
    // the identifiers in the same statement when they are asked for, or the e-mails and phones alone.
    const loader = selectsAny(info, IDENTIFIER_FIELDS)
      ? loaders.customerWithIdentifiersById
      : selectsAny(info, CONTACT_FIELDS)
        ? loaders.customerWithContactsById
        : loaders.customerById;
    const customer = await loader.load(parseId(id, 'Customer'));
    if (!customer) throw notFound('Customer', id);
    return customer;
  }

  @Allow('customers:read')
  @Query(() => Customer, { description: 'The record stored under this id, even when it was merged into another (see mergedInto)' })
  customerRecord(@Arg('id', () => ID) id: string, @Ctx() { em }: IdentityContext): Promise<Customer> {
    return getCustomerRecord(em, id);
  }

  @Allow('customers:read')
  @Query(() => CustomerConnection, { description: 'Customers, newest first unless ordered otherwise; archived and merged ones left out' })
  async customers(
    @Args() page: PageArgs,
    @Arg('filter', () => CustomerFilter, { nullable: true }) filter: CustomerFilter | null,
    @Arg('orderBy', () => CustomerOrder, { nullable: true }) orderBy: CustomerOrder | null,
    @Ctx() { em, viewer }: IdentityContext,
  ): Promise<CustomerConnection> {
    return connectionOf(CustomerConnection, await customersPage(em, filter, orderBy, page, viewer));
  }

  @Allow('customers:read')
  @Query(() => [CustomerSearchHit], {
    description: 'Customers ranked by how well name, e-mail or phone match the query, best first; e-mail and phone only with pii:read',
  })
  async searchCustomers(
    @Arg('query') query: string,
    @Arg('first', () => Int, { defaultValue: 10 }) first: number,
    @Ctx() { em, loaders, deadline, viewer }: IdentityContext,
  ): Promise<CustomerSearchHit[]> {
    const hits = await withinDeadline(em, deadline, (tx) => searchCustomerIds(tx, searchTerm(query), hitCount(first, MAX_SEARCH_HITS), viewer));
    const customers = await loaders.customerById.loadMany(hits.map((h) => h.customerId));
    return hits.flatMap((hit, i) => {
      const customer = customers[i];
      return customer instanceof Customer ? [{ customer, score: hit.score }] : [];
    });
  }

  @Allow('customers:write')
  @Mutation(() => Customer)
  createCustomer(@Arg('input') input: CreateCustomerInput, @Ctx() { em }: IdentityContext): Promise<Customer> {
    return createCustomer(em, input);
  }

  @Allow('customers:write')
  @Mutation(() => Customer, { description: 'Changes the given profile fields; CONFLICT when version is stale' })
  updateCustomer(
    @Arg('id', () => ID) id: string,
    @Arg('version', () => Int) version: number,
    @Arg('input') input: CustomerProfileInput,
    @Ctx() { em }: IdentityContext,
  ): Promise<Customer> {
    return updateCustomer(em, id, version, input);
  }

  @Allow('customers:merge')
  @Mutation(() => Customer, { description: 'Hides the customer from lists; history stays' })
  archiveCustomer(@Arg('id', () => ID) id: string, @Arg('version', () => Int) version: number, @Ctx() { em }: IdentityContext): Promise<Customer> {
    return archiveCustomer(em, id, version);
  }

  @Allow('customers:write')
  @Mutation(() => Customer, { description: 'CONFLICT when the identifier belongs to another customer' })
  addIdentifier(@Arg('customerId', () => ID) customerId: string, @Arg('input') input: IdentifierInput, @Ctx() { em }: IdentityContext): Promise<Customer> {
    return addIdentifier(em, customerId, input);
  }

  @Allow('customers:write')
  @Mutation(() => Customer)
  removeIdentifier(
    @Arg('customerId', () => ID) customerId: string,
    @Arg('identifierId', () => ID) identifierId: string,
    @Ctx() { em }: IdentityContext,
  ): Promise<Customer> {
    return removeIdentifier(em, customerId, identifierId);
  }

  @Allow('customers:write')
  @Mutation(() => CustomerResolution, {
    description: 'Finds the customer by e-mail, phone, device or other ids, or creates one, and links the new identifiers',
  })
  resolveCustomer(@Arg('input') input: ResolveCustomerInput, @Ctx() { em }: IdentityContext): Promise<CustomerResolution> {
    return resolveCustomer(em, input);
  }

  @Allow('customers:merge')
  @Mutation(() => Customer, { description: 'Moves identifiers, consents and members of mergedId to survivorId; mergedId then resolves to the survivor' })
  mergeCustomers(
    @Arg('survivorId', () => ID) survivorId: string,
    @Arg('mergedId', () => ID) mergedId: string,
    @Ctx() { em }: IdentityContext,
  ): Promise<Customer> {
    return mergeCustomers(em, survivorId, mergedId);
  }

  @PersonalData()
  @FieldResolver(() => [Identifier], { nullable: true, description: 'E-mails, phones, device and social ids (personal data: pii:read)' })
  identifiers(@Root() customer: Customer, @Ctx() { loaders }: IdentityContext): Promise<Identifier[]> {
    return loaders.identifiersByCustomer.load(customer.id);
  }

  @PersonalData()
  @FieldResolver(() => [String], { nullable: true, description: 'E-mail addresses, lower-cased (personal data: pii:read)' })
  async emails(@Root() customer: Customer, @Ctx() { loaders }: IdentityContext): Promise<string[]> {
    return valuesOf(await contactsOf(customer, loaders), IdentifierKind.EMAIL);
  }

  @PersonalData()
  @FieldResolver(() => [String], { nullable: true, description: 'Phone numbers in E.164 (personal data: pii:read)' })
  async phones(@Root() customer: Customer, @Ctx() { loaders }: IdentityContext): Promise<string[]> {
    return valuesOf(await contactsOf(customer, loaders), IdentifierKind.PHONE);
  }

  @FieldResolver(() => Customer, { nullable: true, description: 'The organization a person belongs to' })
  organization(@Root() customer: Customer, @Ctx() { loaders }: IdentityContext): Promise<Customer | null> | null {
    return customer.organizationId ? loaders.customerById.load(customer.organizationId) : null;
  }

  @FieldResolver(() => CustomerConnection, { nullable: true, description: "An organization's people, by name; null for a person" })
  async members(@Root() customer: Customer, @Args() page: PageArgs, @Ctx() { loaders }: IdentityContext): Promise<CustomerConnection | null> {
    if (customer.kind !== CustomerKind.ORGANIZATION) return null;
    const found = await loaders.membersByOrganization(page).load(customer.id);
    return connectionOf(CustomerConnection, found, () => loaders.memberCountByOrganization.load(customer.id));
  }

  @FieldResolver(() => Customer, { nullable: true, description: 'Set on a merged record: the customer it now lives on' })
  mergedInto(@Root() customer: Customer, @Ctx() { loaders }: IdentityContext): Promise<Customer | null> | null {
    return customer.mergedIntoId ? loaders.customerById.load(customer.mergedIntoId) : null;
  }

  @FieldResolver(() => [ID], { description: 'Every customer id merged into this one, directly or through earlier merges' })
  mergedIds(@Root() customer: Customer, @Ctx() { loaders }: IdentityContext): Promise<string[]> {
    return loaders.mergedIdsBySurvivor.load(customer.id);
  }
}

const valuesOf = (contacts: readonly Contact[], kind: IdentifierKind) => contacts.filter((c) => c.kind === kind).map((c) => c.value);
/** A customer's e-mails and phones: read with it (the 360° view's customer), or among its identifiers. */
const contactsOf = (customer: Customer, loaders: IdentityContext['loaders']): readonly Contact[] | Promise<readonly Contact[]> =>
  loaders.contactsKnown.get(customer.id) ?? loaders.identifiersByCustomer.load(customer.id);
