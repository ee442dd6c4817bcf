import type { EntityManager } from '@mikro-orm/postgresql';
import { Decimal } from 'decimal.js';
import { badInput, notFound } from '@crm/kit/errors.js';
import { recordEvent } from '@crm/kit/events.js';
import { parseId } from '@crm/kit/ids.js';
import { requireNonNegative } from '@crm/kit/scalars.js';
import { assertVersion } from '@crm/kit/versioning.js';
import { Asset } from './asset.entity.js';
import type { AssetFinancingInput, AssetInsuranceInput, RecordServiceVisitInput, RegisterAssetInput, UpdateAssetInput } from './asset.inputs.js';
import { ServiceVisit } from './service-visit.entity.js';
import { liveCustomerId } from '@crm/kit/customer-aliases.js';
import { findById } from '@crm/kit/rows.js';

export async function getAsset(em: EntityManager, id: string, field = 'id'): Promise<Asset> {
  const found = await findById(em, Asset, parseId(id, 'Asset', field));
  if (!found) throw notFound('Asset', id);
  return found;
}

// Money columns have two decimals: answer with the scale the database will return on every later read.
const toMoneyAmount = (amount: string): string => new Decimal(amount).toFixed(2);

// graphql-scalars' LocalDate may arrive as a Date; keep only the date part either way.
const toIsoDate = (value: unknown): string | null =>
  value == null ? null : value instanceof Date ? value.toISOString().slice(0, 10) : String(value).slice(0, 10);

function financingColumns(financing: AssetFinancingInput | null) {
  if (financing) requireNonNegative(financing.monthlyPayment, 'financing.monthlyPayment');
  return {
    financingProvider: financing?.provider.trim() ?? null,
    financingContractNumber: financing?.contractNumber.trim() ?? null,
    financingMonthlyPayment: financing ? toMoneyAmount(financing.monthlyPayment.amount) : null,
    financingCurrency: financing?.monthlyPayment.currency ?? null,
    financingEndsOn: toIsoDate(financing?.endsOn),
  };
}

function insuranceColumns(insurance: AssetInsuranceInput | null) {
  return {
    insuranceProvider: insurance?.provider.trim() ?? null,
    insurancePolicyNumber: insurance?.policyNumber.trim() ?? null,
    insuranceType: insurance?.type ?? null,
    insuranceValidUntil: toIsoDate(insurance?.validUntil),
  };
}

export async function registerAsset(em: EntityManager, input: RegisterAssetInput): Promise<Asset> {
  const asset = em.create(Asset, {
    customerId: await liveCustomerId(em, parseId(input.customerId, 'Customer', 'customerId')),
    kind: input.kind,
    identifier: input.identifier.trim().toUpperCase(),
    model: input.model.trim(),
    year: input.year ?? null,
    mileage: input.mileage,
    opportunityId: input.opportunityId ? parseId(input.opportunityId, 'Opportunity', 'opportunityId') : null,
    quoteId: input.quoteId ? parseId(input.quoteId, 'Quote', 'quoteId') : null,
    ...financingColumns(input.financing ?? null),
    ...insuranceColumns(input.insurance ?? null),
  });
  recordAssetRegistered(em, asset);
  await em.flush();
  return asset;
}

export function recordAssetRegistered(em: EntityManager, asset: Asset): void {
  recordEvent(em, {
    type: 'AssetRegistered',
    aggregateId: asset.id,
    payload: {
      assetId: asset.id,
      customerId: asset.customerId,
      kind: asset.kind,
      identifier: asset.identifier,
      model: asset.model,
      opportunityId: asset.opportunityId ?? null,
      quoteId: asset.quoteId ?? null,
    },
  });
}

/** AssetChanged: what changed, and the asset's financing and insurance as they are now. */
export function recordAssetChanged(em: EntityManager, asset: Asset, changedFields: string[]): void {
  recordEvent(em, {
    type: 'AssetChanged',
    aggregateId: asset.id,
    payload: { assetId: asset.id, customerId: asset.customerId, changedFields, financing: asset.financing(), insurance: asset.insurance() },
  });
}

export async function updateAsset(em: EntityManager, id: string, version: number, input: UpdateAssetInput): Promise<Asset> {
  const asset = await getAsset(em, id);
  assertVersion(asset, version, 'Asset');
  const changedFields: string[] = [];
  if (input.identifier != null && input.identifier.trim().toUpperCase() !== asset.identifier) {
    asset.identifier = input.identifier.trim().toUpperCase();
    changedFields.push('identifier');
  }
  if (input.model != null && input.model.trim() !== asset.model) {
    asset.model = input.model.trim();
    changedFields.push('model');
  }
  if (input.year !== undefined && input.year !== asset.year) {
    asset.year = input.year;
    changedFields.push('year');
  }
  if (input.financing !== undefined) {
    Object.assign(asset, financingColumns(input.financing));
    changedFields.push('financing');
  }
  if (input.insurance !== undefined) {
    Object.assign(asset, insuranceColumns(input.insurance));
    changedFields.push('insurance');
  }
  if (changedFields.length === 0) return asset;
  recordAssetChanged(em, asset, changedFields);
  await em.flush();
  return asset;
}

/** An odometer only goes up: a visit below the known mileage is a typing error, not history. */
export async function recordServiceVisit(em: EntityManager, input: RecordServiceVisitInput): Promise<ServiceVisit> {
  const asset = await getAsset(em, input.assetId, 'assetId');
  if (input.mileage < asset.mileage) {
    throw badInput(`mileage ${input.mileage} km is lower than the ${asset.mileage} km already recorded for this asset`, 'mileage');
  }
  requireNonNegative(input.cost, 'cost');
  const visit = em.create(ServiceVisit, {
    assetId: asset.id,
    visitedOn: toIsoDate(input.visitedOn)!,
    mileage: input.mileage,
    workDone: input.workDone.trim(),
    cost: toMoneyAmount(input.cost.amount),
    currency: input.cost.currency,
  });
  const mileageRaised = input.mileage > asset.mileage;
  if (mileageRaised) asset.mileage = input.mileage;
  recordEvent(em, {
    type: 'ServiceVisitRecorded',
    aggregateId: asset.id,
    payload: { assetId: asset.id, visitId: visit.id, customerId: asset.customerId, mileage: input.mileage, mileageRaised, visitedOn: visit.visitedOn },
  });
  await em.flush();
  return visit;
}
