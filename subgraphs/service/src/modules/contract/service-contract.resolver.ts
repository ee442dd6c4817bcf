import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import type { ServiceContext } from '../../context.js';
import { Customer } from '../customer/customer.reference.js';
import { ServiceContract } from './service-contract.entity.js';
import { SetServiceContractInput } from './service-contract.inputs.js';
import { setServiceContract } from './service-contract.service.js';
import { Allow } from '@crm/kit/access/decorators.js';

@Resolver(() => ServiceContract)
export class ServiceContractResolver {
  @Allow('assets:write')
  @Mutation(() => ServiceContract, { description: 'Creates or changes the service contract of a customer' })
  setServiceContract(@Arg('input') input: SetServiceContractInput, @Ctx() { em }: ServiceContext): Promise<ServiceContract> {
    return setServiceContract(em, input);
  }

  @FieldResolver(() => Customer)
  customer(@Root() contract: ServiceContract): Customer {
    return { id: contract.customerId };
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
