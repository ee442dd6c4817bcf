import type { Opt } from '@mikro-orm/core';
import { Entity, Enum, Index, Property } from '@mikro-orm/decorators/legacy';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { BaseEntity } from '@crm/kit/base.entity.js';
import { LocalDateScalar, Money } from '@crm/kit/scalars.js';
import { redactInAudit } from '@crm/kit/access/personal-data.js';

export enum AssetKind {
  VEHICLE = 'VEHICLE',
  OTHER = 'OTHER',
}
registerEnumType(AssetKind, { name: 'AssetKind' });

export enum AssetInsuranceType {
  LIABILITY = 'LIABILITY',
  COMPREHENSIVE = 'COMPREHENSIVE',
  GAP = 'GAP',
}
registerEnumType(AssetInsuranceType, { name: 'AssetInsuranceType' });

@ObjectType({ description: 'How the customer pays for the asset' })
export class AssetFinancing {
  @Field() provider!: string;
  @Field() contractNumber!: string;
  @Field(() => Money) monthlyPayment!: Money;
  @Field(() => LocalDateScalar, { nullable: true }) endsOn!: string | null;
}

@ObjectType()
export class AssetInsurance {
  @Field() provider!: string;
  @Field() policyNumber!: string;
  @Field(() => AssetInsuranceType) type!: AssetInsuranceType;
  @Field(() => LocalDateScalar, { nullable: true }) validUntil!: string | null;
}

@ObjectType({ description: 'Something a customer owns and we service, e.g. a car' })
@Entity({ tableName: 'asset' })
@Index({ properties: ['customerId', 'createdAt', 'id'] })
export class Asset extends BaseEntity {
  @Property({ type: 'uuid' })
  customerId!: string;

  @Field(() => AssetKind)
  @Enum({ items: () => AssetKind, nativeEnumName: 'asset_kind' })
  kind!: AssetKind;

  @Field({ description: 'e.g. the VIN of a vehicle; unique' })
  @Property({ type: 'text', unique: true })
  identifier!: string;

  @Field()
  @Property({ type: 'text' })
  model!: string;

  @Field(() => Int, { nullable: true })
  @Property({ type: 'integer', nullable: true })
  year?: number | null;

  @Field(() => ID, { nullable: true, description: "The deal (sales' opportunity) that sold it, when it came from one" })
  @Index()
  @Property({ type: 'uuid', nullable: true })
  opportunityId?: string | null;

  @Field(() => ID, { nullable: true, description: 'The accepted quote (in sales) it was sold on, when it came from a deal' })
  @Property({ type: 'uuid', nullable: true })
  quoteId?: string | null;

  @Field(() => Int, { description: 'Highest mileage seen (km); service visits raise it' })
  @Property({ type: 'integer', default: 0 })
  mileage: Opt<number> = 0;

  @Property({ type: 'text', nullable: true })
  financingProvider?: string | null;

  @Property({ type: 'text', nullable: true })
  financingContractNumber?: string | null;

  @Property({ type: 'decimal', precision: 16, scale: 2, nullable: true })
  financingMonthlyPayment?: string | null;

  @Property({ type: 'character', length: 3, nullable: true })
  financingCurrency?: string | null;

  @Property({ type: 'string', columnType: 'date', nullable: true })
  financingEndsOn?: string | null;

  @Property({ type: 'text', nullable: true })
  insuranceProvider?: string | null;

  @Property({ type: 'text', nullable: true })
  insurancePolicyNumber?: string | null;

  @Enum({ items: () => AssetInsuranceType, nativeEnumName: 'asset_insurance_type', nullable: true })
  insuranceType?: AssetInsuranceType | null;

  @Property({ type: 'string', columnType: 'date', nullable: true })
  insuranceValidUntil?: string | null;

  @Field(() => AssetFinancing, { nullable: true })
  financing(): AssetFinancing | null {
    if (!this.financingProvider) return null;
    return {
      provider: this.financingProvider,
      contractNumber: this.financingContractNumber ?? '',
      monthlyPayment: { amount: this.financingMonthlyPayment ?? '0', currency: this.financingCurrency ?? '' },
      endsOn: this.financingEndsOn ?? null,
    };
  }

  @Field(() => AssetInsurance, { nullable: true })
  insurance(): AssetInsurance | null {
    if (!this.insuranceProvider || !this.insuranceType) return null;
    return {
      provider: this.insuranceProvider,
      policyNumber: this.insurancePolicyNumber ?? '',
      type: this.insuranceType,
      validUntil: this.insuranceValidUntil ?? null,
    };
  }
}

// A contract or policy number points to the person as plates and VINs do, and who finances or insures the car goes
// with it; the model names a product (as a quote line does), not the person.
redactInAudit(Asset, ['identifier', 'insurancePolicyNumber', 'insuranceProvider', 'financingContractNumber', 'financingProvider']);
