import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Resolver, Root } from 'type-graphql';
import type { ServiceContext } from '../../context.js';
import { WorkingCalendar } from '../calendar/working-calendar.entity.js';
import { Customer } from '../customer/customer.reference.js';
import { ServiceContract } from './service-contract.entity.js';
import { SetServiceContractInput, UpdateServiceContractInput } from './service-contract.inputs.js';
import { setServiceContract, updateServiceContract } from './service-contract.service.js';
import { Allow } from '@crm/kit/access/decorators.js';
import { ChecksCustomers } from '@crm/kit/customer-references.js';

@Resolver(() => ServiceContract)
export class ServiceContractResolver {
  @Allow('assets:write')
  @Mutation(() => ServiceContract, { description: 'Creates or changes the service contract of a customer' })
  @ChecksCustomers('input.customerId')
  async setServiceContract(@Arg('input') input: SetServiceContractInput, @Ctx() { em }: ServiceContext): Promise<ServiceContract> {
    return setServiceContract(em, input);
  }

  @Allow('assets:write')
  @Mutation(() => ServiceContract, {
    description: "Changes a contract's tier or working calendar, for the cases opened from now on; CONFLICT when the version is stale",
  })
  updateServiceContract(
    @Arg('id', () => ID) id: string,
    @Arg('version', () => Int) version: number,
    @Arg('input') input: UpdateServiceContractInput,
    @Ctx() { em }: ServiceContext,
  ): Promise<ServiceContract> {
    return updateServiceContract(em, id, version, input);
  }

  @FieldResolver(() => Customer)
  customer(@Root() contract: ServiceContract): Customer {
    return { id: contract.customerId };
  }

  @FieldResolver(() => WorkingCalendar, {
    nullable: true,
    description: 'The working hours and holidays its SLA deadlines run in (business time); none: calendar time, 24/7',
  })
  async calendar(@Root() contract: ServiceContract, @Ctx() { loaders }: ServiceContext): Promise<WorkingCalendar | null> {
    return contract.calendarId ? loaders.calendarById.load(contract.calendarId) : null;
  }
}

@Resolver(() => Customer)
export class CustomerServiceContractResolver {
  @Allow('assets:read')
  @FieldResolver(() => ServiceContract, { nullable: true, description: 'None means STANDARD terms' })
  serviceContract(@Root() customer: Customer, @Ctx() { loaders }: ServiceContext): Promise<ServiceContract | null> {
    return loaders.contractByCustomer.load(customer.id);
  }
}
