import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput } from '@crm/kit/errors.js';
import { searchTerm } from '@crm/kit/input-limits.js';
import type { CountedPage, PageArgs } from '@crm/kit/pagination/connection.js';
import { fetchCountedPage } from '@crm/kit/pagination/keyset.js';
import { enumArray, type SqlCondition } from '@crm/kit/sql.js';
import { Product, PRODUCT_SEARCH_VECTOR } from './product.entity.js';
import type { ProductFilter } from './product.inputs.js';

/** Prefix search over name and sku: "octa comb" finds "Octavia Combi". Null when the text has no words. */
export function searchQuery(text: string): string | null {
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return words.length ? words.map((word) => `${word}:*`).join(' & ') : null;
}

export function productFilterSql(filter: ProductFilter | null | undefined): SqlCondition | undefined {
  const conditions: string[] = [];
  const params: unknown[] = [];
  if (filter?.categories?.length) conditions.push(`category = any(${enumArray(filter.categories, 'product_category')})`);
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
  // em.execute: on the caller's transaction (withinDeadline's), not another pooled connection.
  const rows = await em.execute<Array<Record<string, unknown> & { score: number }>>(
    `select p.*, ts_rank(${PRODUCT_SEARCH_VECTOR}, q) as score
       from product p, to_tsquery('simple', ?) q
      where active and ${PRODUCT_SEARCH_VECTOR} @@ q
      order by score desc, name, id limit ?`,
    [query, limit],
  );
  return rows.map(({ score, ...row }) => ({ product: em.map(Product, row as never), score: Number(score) }));
}

/** One page of the catalogue, newest first, and its totalCount. */
export async function productsPage(em: EntityManager, filter: ProductFilter | null | undefined, page: PageArgs): Promise<CountedPage<Product>> {
  return fetchCountedPage(em, { entity: Product, orderBy: { property: 'createdAt', descending: true }, where: productFilterSql(filter) }, page);
}
