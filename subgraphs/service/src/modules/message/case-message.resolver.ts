import { Arg, Args, Ctx, FieldResolver, Mutation, ObjectType, Resolver, Root } from 'type-graphql';
import { ConnectionType, connectionOf, PageArgs } from '@crm/kit/pagination/connection.js';
import type { ServiceContext } from '../../context.js';
import { Case } from '../case/case.entity.js';
import { Customer } from '../customer/customer.reference.js';
import { User } from '../staff/user.reference.js';
import { CaseMessage } from './case-message.entity.js';
import { AddCaseMessageInput } from './case-message.inputs.js';
import { addCaseMessage } from './case-message.service.js';
import { Allow } from '@crm/kit/access/decorators.js';
import { ChecksStaff } from '@crm/kit/references.js';

@ObjectType()
export class CaseMessageConnection extends ConnectionType(CaseMessage) {}

@Resolver(() => CaseMessage)
export class CaseMessageResolver {
  @Allow('cases:write')
  @Mutation(() => CaseMessage)
  @ChecksStaff('input.authorUserId')
  addCaseMessage(@Arg('input') input: AddCaseMessageInput, @Ctx() { em, viewer }: ServiceContext): Promise<CaseMessage> {
    return addCaseMessage(em, input, viewer);
  }

  @FieldResolver(() => Customer, { nullable: true, description: 'Set when the customer wrote it' })
  authorCustomer(@Root() message: CaseMessage): Customer | null {
    return message.authorCustomerId ? { id: message.authorCustomerId } : null;
  }

  @FieldResolver(() => User, { nullable: true, description: 'Set when a member of staff wrote it' })
  authorUser(@Root() message: CaseMessage): User | null {
    return message.authorUserId ? { id: message.authorUserId } : null;
  }
}

@Resolver(() => Case)
export class CaseMessagesResolver {
  @FieldResolver(() => CaseMessageConnection, { description: 'The whole conversation across channels, oldest first' })
  async messages(@Root() found: Case, @Args() page: PageArgs, @Ctx() { loaders }: ServiceContext): Promise<CaseMessageConnection> {
    const messages = await loaders.messagePagesByCase(page).load(found.id);
    return connectionOf(CaseMessageConnection, messages, () => loaders.messageCountByCase(null).load(found.id));
  }
}
