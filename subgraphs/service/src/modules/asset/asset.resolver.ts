import { Arg, Args, Ctx, FieldResolver, ID, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { ConnectionType, connectionOf, PageArgs } from '@crm/kit/pagination/connection.js';
import type { ServiceContext } from '../../context.js';
import { Customer } from '../customer/customer.reference.js';
import { Opportunity } from './opportunity.reference.js';
import { Asset } from './asset.entity.js';
import { RecordServiceVisitInput, RegisterAssetInput, UpdateAssetInput } from './asset.inputs.js';
import { getAsset, recordServiceVisit, registerAsset, updateAsset } from './asset.service.js';
import { ServiceVisit } from './service-visit.entity.js';
import { Allow } from '@crm/kit/access/decorators.js';
import { ChecksCustomers } from '@crm/kit/customer-references.js';
import { ChecksReferences } from '@crm/kit/references.js';

@ObjectType()
export class AssetConnection extends ConnectionType(Asset) {}

@ObjectType()
export class ServiceVisitConnection extends ConnectionType(ServiceVisit) {}

@Resolver(() => Asset)
export class AssetResolver {
  @Allow('assets:read')
  @Query(() => Asset, { description: 'An asset by id; NOT_FOUND when there is none' })
  asset(@Arg('id', () => ID) id: string, @Ctx() { em }: ServiceContext): Promise<Asset> {
    return getAsset(em, id);
  }

  @Allow('assets:write')
  @Mutation(() => Asset)
  @ChecksCustomers('input.customerId')
  @ChecksReferences('Opportunity', 'input.opportunityId')
  @ChecksReferences('Quote', 'input.quoteId')
  async registerAsset(@Arg('input') input: RegisterAssetInput, @Ctx() { em }: ServiceContext): Promise<Asset> {
    return registerAsset(em, input);
  }

  @Allow('assets:write')
  @Mutation(() => Asset, { description: 'CONFLICT when the version is stale' })
  updateAsset(
    @Arg('id', () => ID) id: string,
    @Arg('version', () => Int) version: number,
    @Arg('input') input: UpdateAssetInput,
    @Ctx() { em }: ServiceContext,
  ): Promise<Asset> {
    return updateAsset(em, id, version, input);
  }

  @Allow('assets:write')
  @Mutation(() => ServiceVisit, { description: "Raises the asset's mileage when higher; a lower one is BAD_USER_INPUT" })
  recordServiceVisit(@Arg('input') input: RecordServiceVisitInput, @Ctx() { em }: ServiceContext): Promise<ServiceVisit> {
    return recordServiceVisit(em, input);
  }

  @FieldResolver(() => Customer)
  customer(@Root() asset: Asset): Customer {
    return { id: asset.customerId };
  }

  @FieldResolver(() => Opportunity, { nullable: true, description: 'The deal that sold it (sales), when it came from one' })
  opportunity(@Root() asset: Asset): Opportunity | null {
    return asset.opportunityId ? { id: asset.opportunityId } : null;
  }

  @FieldResolver(() => ServiceVisitConnection, { description: 'Service history, latest recorded first' })
  async serviceVisits(@Root() asset: Asset, @Args() page: PageArgs, @Ctx() { loaders }: ServiceContext): Promise<ServiceVisitConnection> {
    const visits = await loaders.visitPagesByAsset(page).load(asset.id);
    return connectionOf(ServiceVisitConnection, visits, () => loaders.visitCountByAsset(null).load(asset.id));
  }
}

@Resolver(() => Customer)
export class CustomerAssetsResolver {
  @Allow('assets:read')
  @FieldResolver(() => AssetConnection, {
    nullable: true, // an outage of this subgraph nulls only this field, not the customer
    description: 'What the customer owns and we service, newest first',
  })
  async assets(@Root() customer: Customer, @Args() page: PageArgs, @Ctx() { loaders }: ServiceContext): Promise<AssetConnection> {
    const found = await loaders.assetPagesByCustomer(page).load(customer.id);
    return connectionOf(AssetConnection, found, () => loaders.assetCountByCustomer(null).load(customer.id));
  }
}
