import { Arg, Args, Ctx, FieldResolver, ID, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { ConnectionType, connectionOf, fetchKeysetPage, PageArgs } from '../../../../kit/pagination.js';
import type { IdentityContext } from '../../context.js';
import { Customer } from './customer.entity.js';
import { CreateCustomerInput } from './customer.inputs.js';
import { createCustomer, getCustomer } from './customer.service.js';
import { Identifier, IdentifierKind } from './identifier.entity.js';

@ObjectType()
export class CustomerConnection extends ConnectionType(Customer) {}

@Resolver(() => Customer)
export class CustomerResolver {
  @Query(() => Customer, { description: 'A customer by id; NOT_FOUND when there is none' })
  customer(@Arg('id', () => ID) id: string, @Ctx() { em }: IdentityContext): Promise<Customer> {
    return getCustomer(em, id);
  }

  @Query(() => CustomerConnection, { description: 'Customers, newest first' })
  async customers(@Args() page: PageArgs, @Ctx() { em }: IdentityContext): Promise<CustomerConnection> {
    const found = await fetchKeysetPage(em, {
      entity: Customer,
      table: 'customer',
      orderBy: { column: 'created_at', property: 'createdAt', descending: true },
    }, page);
    return connectionOf(CustomerConnection, found, () => em.count(Customer));
  }

  @Mutation(() => Customer)
  createCustomer(@Arg('input') input: CreateCustomerInput, @Ctx() { em }: IdentityContext): Promise<Customer> {
    return createCustomer(em, input);
  }

  @FieldResolver(() => [Identifier])
  identifiers(@Root() customer: Customer, @Ctx() { loaders }: IdentityContext): Promise<Identifier[]> {
    return loaders.identifiersByCustomer.load(customer.id);
  }

  @FieldResolver(() => [String], { description: 'E-mail addresses, lower-cased' })
  async emails(@Root() customer: Customer, @Ctx() { loaders }: IdentityContext): Promise<string[]> {
    return valuesOf(await loaders.identifiersByCustomer.load(customer.id), IdentifierKind.EMAIL);
  }

  @FieldResolver(() => [String], { description: 'Phone numbers in E.164' })
  async phones(@Root() customer: Customer, @Ctx() { loaders }: IdentityContext): Promise<string[]> {
    return valuesOf(await loaders.identifiersByCustomer.load(customer.id), IdentifierKind.PHONE);
  }
}

const valuesOf = (identifiers: Identifier[], kind: IdentifierKind) =>
  identifiers.filter((i) => i.kind === kind).map((i) => i.value);
