import type { EntityManager } from '@mikro-orm/postgresql';
import { notFound } from '@crm/kit/errors.js';
import { recordEvent } from '@crm/kit/events.js';
import { parseId } from '@crm/kit/ids.js';
import { requireNonNegative } from '@crm/kit/scalars.js';
import { assertVersion } from '@crm/kit/versioning.js';
import { cents } from '../../money.js';
import { Product } from './product.entity.js';
import type { CreateProductInput, UpdateProductInput } from './product.inputs.js';

export async function getProduct(em: EntityManager, id: string, field = 'id'): Promise<Product> {
  const product = await em.findOne(Product, { id: parseId(id, 'Product', field) });
  if (!product) throw notFound('Product', id, field);
  return product;
}

export async function createProduct(em: EntityManager, input: CreateProductInput): Promise<Product> {
  requireNonNegative(input.listPrice, 'listPrice');
  const product = em.create(Product, {
    sku: input.sku.trim().toUpperCase(),
    name: input.name.trim(),
    category: input.category,
    listPriceAmount: cents(input.listPrice.amount),
    listPriceCurrency: input.listPrice.currency,
    active: input.active,
  });
  recordEvent(em, {
    type: 'ProductCreated',
    aggregateId: product.id,
    payload: { productId: product.id, sku: product.sku, name: product.name, category: product.category },
  });
  await em.flush();
  return product;
}

export async function updateProduct(em: EntityManager, id: string, version: number, input: UpdateProductInput): Promise<Product> {
  const product = await getProduct(em, id);
  assertVersion(product, version, 'Product');
  const changedFields: string[] = [];
  if (input.name != null) {
    product.name = input.name.trim();
    changedFields.push('name');
  }
  if (input.listPrice != null) {
    requireNonNegative(input.listPrice, 'listPrice');
    product.listPriceAmount = cents(input.listPrice.amount);
    product.listPriceCurrency = input.listPrice.currency;
    changedFields.push('listPrice');
  }
  if (input.active != null) {
    product.active = input.active;
    changedFields.push('active');
  }
  if (changedFields.length === 0) return product;
  recordEvent(em, { type: 'ProductChanged', aggregateId: product.id, payload: { productId: product.id, changedFields } });
  await em.flush();
  return product;
}
