import { describe, expect, it } from '@jest/globals';
import { outboxTypes, refusal } from '../../../tests/helpers/integration.js';
import { ProductCategory } from '../src/modules/product/product.entity.js';
import { productsPage, searchProducts } from '../src/modules/product/product.queries.js';
import { createProduct, updateProduct } from '../src/modules/product/product.service.js';
import { CZK, newProduct, useFreshSalesDatabase } from './database.js';

const { orm, em, write } = useFreshSalesDatabase();

describe('the product catalogue', () => {
  it('lists the catalogue by category and activity, searches by name with a score, and rejects bad input', async () => {
    const octavia = await write((em) => newProduct(em, 'prd-octavia', ' Škoda Octavia Combi ', '749900.00'));
    expect(octavia).toMatchObject({ sku: 'PRD-OCTAVIA', name: 'Škoda Octavia Combi', active: true });
    await write((em) => newProduct(em, 'PRD-KODIAQ', 'Škoda Kodiaq', '899900.00'));
    const insurance = await write((em) => newProduct(em, 'PRD-INS', 'Comprehensive insurance', '24900.00', ProductCategory.INSURANCE));
    const retired = await write((em) => updateProduct(em, insurance.id, insurance.version, { active: false }));
    expect(retired).toMatchObject({ active: false, version: insurance.version + 1 });
    expect(await outboxTypes(orm(), insurance.id)).toEqual(['ProductCreated', 'ProductChanged']);

    const skus = (page: Awaited<ReturnType<typeof productsPage>>) => page.edges.map((e) => e.node.sku);
    const cars = await productsPage(em(), { categories: [ProductCategory.CAR], search: 'škoda' }, { first: 1 });
    expect(await cars.count()).toBe(2);
    expect(skus(cars)).toEqual(['PRD-KODIAQ']);
    expect(skus(await productsPage(em(), { categories: [ProductCategory.CAR], search: 'škoda' }, { first: 1, after: cars.pageInfo.endCursor }))).toEqual([
      'PRD-OCTAVIA',
    ]);
    expect(skus(await productsPage(em(), { active: false, search: 'insur' }, {}))).toEqual(['PRD-INS']);

    const hits = await searchProducts(em(), 'octa comb', 10);
    expect(hits.map((h) => h.product.sku)).toEqual([octavia.sku]);
    expect(hits[0]!.score).toBeGreaterThan(0);
    expect(await searchProducts(em(), 'insurance', 10)).toEqual([]);
    const noWords = await refusal(searchProducts(em(), '  !! ', 10));
    expect(noWords.code).toBe('BAD_USER_INPUT');
    expect(noWords.message).toMatch(/at least one letter/);

    const twin = { sku: 'PRD-OCTAVIA', name: 'Twin', category: ProductCategory.CAR, listPrice: CZK('1'), active: true };
    expect((await refusal(write((em) => createProduct(em, twin)))).code).toBe('CONFLICT');
    const negative = await refusal(write((em) => createProduct(em, { ...twin, sku: 'X2', name: 'Neg', listPrice: CZK('-1') })));
    expect(negative).toMatchObject({ code: 'BAD_USER_INPUT', message: 'listPrice must not be negative' });
    expect(await refusal(write((em) => updateProduct(em, 'x', 1, {})))).toMatchObject({ code: 'BAD_USER_INPUT', message: '"x" is not a valid Product id' });
    expect(await (await productsPage(em(), null, {})).count()).toBe(3);
  });
});
