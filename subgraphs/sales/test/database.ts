import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ROLE_PERMISSIONS } from '@crm/kit/access/permissions.js';
import type { Viewer } from '@crm/kit/access/viewer.js';
import { useFreshSubgraphDatabase, type SubgraphSchema } from '../../../tests/helpers/subgraph-database.js';
import { salesEntities } from '../src/entities.js';
import { salesMigrations } from '../src/migrations/index.js';
import { StageMarker } from '../src/modules/pipeline/pipeline.entity.js';
import type { StageInput } from '../src/modules/pipeline/pipeline.inputs.js';
import { createPipeline } from '../src/modules/pipeline/pipeline.service.js';
import { ProductCategory } from '../src/modules/product/product.entity.js';
import { createProduct } from '../src/modules/product/product.service.js';

// Web-form throttling keys its hashes with the platform's secret, as every service gets it (tests/helpers/platform.ts).
process.env.PLATFORM_SECRET ??= randomBytes(32).toString('hex');

const sales: SubgraphSchema = { name: 'sales', entities: salesEntities, migrations: salesMigrations };

/** The block's tests get a fresh, migrated sales database of their own (tests/helpers/subgraph-database.ts). */
export const useFreshSalesDatabase = () => useFreshSubgraphDatabase(sales);

export const CZK = (amount: string) => ({ amount, currency: 'CZK' });

/** Inquiry → Offer (the first offer) → Won / Lost. */
export const FOUR_STAGES: StageInput[] = [
  { name: 'Inquiry', probability: 10, isWon: false, isLost: false },
  { name: 'Offer', probability: 50, isWon: false, isLost: false, marker: StageMarker.FIRST_OFFER_SENT },
  { name: 'Won', probability: 100, isWon: true, isLost: false, marker: StageMarker.ORDERED },
  { name: 'Lost', probability: 0, isWon: false, isLost: true, marker: StageMarker.LOST },
];

export const newPipeline = (em: EntityManager, name: string, stages = FOUR_STAGES) => createPipeline(em, { name, stages, isDefault: false });

export const newProduct = (em: EntityManager, sku: string, name: string, price: string, category = ProductCategory.CAR) =>
  createProduct(em, { sku, name, category, listPrice: CZK(price), active: true });

/**
 * A sales rep as the gateway vouches for them (gateway/auth/authenticator.ts personViewer): their role's permissions,
 * and the rows of their own and their teammates, not the unowned queue.
 */
export const salesRep = (id: string, teammates: string[] = []): Viewer => ({
  id,
  kind: 'user',
  role: 'SALES_REP',
  permissions: ROLE_PERMISSIONS.SALES_REP,
  owners: [id, ...teammates],
  unowned: false,
  lines: null,
  ip: null,
});
