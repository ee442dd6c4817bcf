import { Arg, Args, Ctx, FieldResolver, ObjectType, Resolver, Root } from 'type-graphql';
import { connectionOf, ConnectionType, PageArgs } from '@crm/kit/pagination/connection.js';
import type { MarketingContext } from '../../context.js';
import { Customer } from '../customer/customer.reference.js';
import { MessageSend } from './message-send.entity.js';
import { MessageSendFilter } from './message-send.inputs.js';
import { Allow, PersonalData } from '@crm/kit/access/decorators.js';
import { withoutCustomerTokens } from './unsubscribe.js';

@ObjectType()
export class MessageSendConnection extends ConnectionType(MessageSend) {}

@Resolver(() => Customer)
export class CustomerMessageSendsResolver {
  @Allow('marketing:read')
  @FieldResolver(() => MessageSendConnection, {
    nullable: true, // an outage of this subgraph nulls only this field, not the customer
    description: 'Every attempt to message the customer, including those consent stopped, newest first',
  })
  async messageSends(
    @Root() customer: Customer,
    @Args() page: PageArgs,
    @Arg('filter', () => MessageSendFilter, { nullable: true }) filter: MessageSendFilter | null,
    @Ctx() { loaders }: MarketingContext,
  ): Promise<MessageSendConnection> {
    const found = await loaders.messageSendsByCustomer({ page, filter }).load(customer.id);
    return connectionOf(MessageSendConnection, found, () => loaders.messageSendCountByCustomer(filter).load(customer.id));
  }
}

@Resolver(() => MessageSend)
export class MessageSendResolver {
  @PersonalData()
  @FieldResolver(() => String, {
    nullable: true,
    description: "The text as rendered for the customer (personal data: pii:read), its links to the customer's own pages without their signed tokens",
  })
  body(@Root() send: MessageSend): string {
    return withoutCustomerTokens(send.body);
  }
}
