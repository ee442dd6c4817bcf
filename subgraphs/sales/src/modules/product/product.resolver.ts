import { Arg, Args, Ctx, Field, Float, ID, Int, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { connectionOf, ConnectionType, PageArgs } from '@crm/kit/pagination/connection.js';
import type { SalesContext } from '../../context.js';
import { Product } from './product.entity.js';
import { CreateProductInput, ProductFilter, UpdateProductInput } from './product.inputs.js';
import { productsPage, searchProducts } from './product.queries.js';
import { createProduct, getProduct, updateProduct } from './product.service.js';
import { Allow } from '@crm/kit/access/decorators.js';
import { hitCount, searchTerm } from '@crm/kit/input-limits.js';
import { withinDeadline } from '@crm/kit/deadline.js';

@ObjectType()
export class ProductConnection extends ConnectionType(Product) {}

@ObjectType({ description: 'A product matching a search, with its relevance' })
export class ProductSearchHit {
  @Field(() => Product) product!: Product;
  @Field(() => Float, { description: 'Higher is more relevant' }) score!: number;
}

@Resolver(() => Product)
export class ProductResolver {
  @Allow('products:read')
  @Query(() => Product, { description: 'A product by id; NOT_FOUND when there is none' })
  product(@Arg('id', () => ID) id: string, @Ctx() { em }: SalesContext): Promise<Product> {
    return getProduct(em, id);
  }

  @Allow('products:read')
  @Query(() => ProductConnection, { description: 'The catalogue, newest first' })
  async products(
    @Args() page: PageArgs,
    @Arg('filter', () => ProductFilter, { nullable: true }) filter: ProductFilter | null,
    @Ctx() { em }: SalesContext,
  ): Promise<ProductConnection> {
    return connectionOf(ProductConnection, await productsPage(em, filter, page));
  }

  @Allow('products:read')
  @Query(() => [ProductSearchHit], { description: 'Active products ranked by how well name or sku match' })
  searchProducts(
    @Arg('query') query: string,
    @Arg('first', () => Int, { defaultValue: 10 }) first: number,
    @Ctx() { em, deadline }: SalesContext,
  ): Promise<ProductSearchHit[]> {
    return withinDeadline(em, deadline, (tx) => searchProducts(tx, searchTerm(query), hitCount(first, 50)));
  }

  @Allow('products:write')
  @Mutation(() => Product)
  createProduct(@Arg('input') input: CreateProductInput, @Ctx() { em }: SalesContext): Promise<Product> {
    return createProduct(em, input);
  }

  @Allow('products:write')
  @Mutation(() => Product)
  updateProduct(
    @Arg('id', () => ID) id: string,
    @Arg('version', () => Int) version: number,
    @Arg('input') input: UpdateProductInput,
    @Ctx() { em }: SalesContext,
  ): Promise<Product> {
    return updateProduct(em, id, version, input);
  }
}
