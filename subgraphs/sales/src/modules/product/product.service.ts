import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput, notFound } from '../../../../kit/errors.js';
import { recordEvent } from '../../../../kit/events.js';
import { parseId } from '../../../../kit/ids.js';
import { pgArray } from '../../../../kit/pagination.js';
import { requireNonNegative } from '../../../../kit/scalars.js';
import { assertVersion } from '../../../../kit/versioning.js';
import { cents } from '../../money.js';
import { Product, PRODUCT_SEARCH_VECTOR } from './product.entity.js';
import type { CreateProductInput, ProductFilter, UpdateProductInput } from './product.inputs.js';
import { searchTerm } from '../../../../kit/input-limits.js';

export async function getProduct(em: EntityManager, id: string, field = 'id'): Promise<Product> {
  const product = await em.findOne(Product, { id: parseId(id, 'Product', field) });
  if (!product) throw notFound('Product', id);
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

/** Prefix search over name and sku: "octa comb" finds "Octavia Combi". Null when the text has no words. */
export function searchQuery(text: string): string | null {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return words.length ? words.map((word) => `${word}:*`).join(' & ') : null;
}

export function productFilterSql(filter: ProductFilter | null | undefined): { sql: string; params: unknown[] } | undefined {
  const conditions: string[] = [];
  const params: unknown[] = [];
  if (filter?.categories?.length) {
    conditions.push('category = any(?::product_category[])');
    params.push(pgArray(filter.categories));
  }
  if (filter?.active != null) {
    conditions.push('active = ?');
    params.push(filter.active);
  }
  if (filter?.search != null) {
    const query = searchQuery(searchTerm(filter.search, 'filter.search'));
    if (!query) throw badInput('search needs at least one letter or digit', 'filter.search');
    conditions.push(`${PRODUCT_SEARCH_VECTOR} @@ to_tsquery('simple', ?)`);
    params.push(query);
  }
  return conditions.length ? { sql: conditions.join(' and '), params } : undefined;
}

export interface ProductHit {
  product: Product;
  score: number;
}

/** Ranked hits for the global search box; active products only. */
export async function searchProducts(em: EntityManager, text: string, limit: number): Promise<ProductHit[]> {
  const query = searchQuery(text);
  if (!query) throw badInput('query needs at least one letter or digit', 'query');
  const rows = await em.getConnection().execute<Array<Record<string, unknown> & { score: number }>>(
    `select p.*, ts_rank(${PRODUCT_SEARCH_VECTOR}, q) as score
       from product p, to_tsquery('simple', ?) q
      where active and ${PRODUCT_SEARCH_VECTOR} @@ q
      order by score desc, name, id limit ?`,
    [query, limit],
  );
  return rows.map(({ score, ...row }) => ({ product: em.map(Product, row as never), score: Number(score) }));
}
