import { Arg, Args, Ctx, FieldResolver, Mutation, ObjectType, Resolver, Root } from 'type-graphql';
import { ConnectionType, connectionOf, PageArgs } from '@crm/kit/pagination/connection.js';
import type { IdentityContext } from '../../context.js';
import { Customer } from '../customer/customer.entity.js';
import { Consent } from './consent.entity.js';
import { ConsentHistoryFilter, RecordConsentInput } from './consent.inputs.js';
import { recordConsent } from './consent.service.js';
import { Allow } from '@crm/kit/access/decorators.js';

@ObjectType()
export class ConsentConnection extends ConnectionType(Consent) {}

@Resolver(() => Consent)
export class ConsentResolver {
  @Allow('consents:write')
  @Mutation(() => Consent, { description: 'Records a consent decision; the history keeps every earlier one' })
  recordConsent(@Arg('input') input: RecordConsentInput, @Ctx() { em }: IdentityContext): Promise<Consent> {
    return recordConsent(em, input);
  }
}

@Resolver(() => Customer)
export class CustomerConsentResolver {
  @FieldResolver(() => [Consent], { description: 'The current decision per purpose × channel (the latest one)' })
  consents(@Root() customer: Customer, @Ctx() { loaders }: IdentityContext): Promise<Consent[]> {
    return loaders.currentConsentsByCustomer.load(customer.id);
  }

  @FieldResolver(() => ConsentConnection, { description: 'Every consent decision, newest first' })
  async consentHistory(
    @Root() customer: Customer,
    @Args() page: PageArgs,
    @Arg('filter', () => ConsentHistoryFilter, { nullable: true }) filter: ConsentHistoryFilter | null,
    @Ctx() { loaders }: IdentityContext,
  ): Promise<ConsentConnection> {
    const found = await loaders.consentHistoryByCustomer({ page, filter }).load(customer.id);
    return connectionOf(ConsentConnection, found, () => loaders.consentCountByCustomer(filter).load(customer.id));
  }
}
