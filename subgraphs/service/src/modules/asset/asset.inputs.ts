import { Field, ID, InputType, Int } from 'type-graphql';
import { Length, Max, Min, ValidateNested } from 'class-validator';
import { LocalDateScalar, MoneyInput } from '@crm/kit/scalars.js';
import { AssetInsuranceType, AssetKind } from './asset.entity.js';

@InputType()
export class AssetFinancingInput {
  @Field()
  @Length(1, 200)
  provider!: string;

  @Field()
  @Length(1, 100)
  contractNumber!: string;

  @Field(() => MoneyInput)
  @ValidateNested()
  monthlyPayment!: MoneyInput;

  @Field(() => LocalDateScalar, { nullable: true })
  endsOn?: string | null;
}

@InputType()
export class AssetInsuranceInput {
  @Field()
  @Length(1, 200)
  provider!: string;

  @Field()
  @Length(1, 100)
  policyNumber!: string;

  @Field(() => AssetInsuranceType)
  type!: AssetInsuranceType;

  @Field(() => LocalDateScalar, { nullable: true })
  validUntil?: string | null;
}

@InputType()
export class RegisterAssetInput {
  @Field(() => ID)
  customerId!: string;

  @Field(() => AssetKind, { defaultValue: AssetKind.VEHICLE })
  kind!: AssetKind;

  @Field({ description: 'e.g. a VIN' })
  @Length(1, 100, { message: 'identifier must be between 1 and 100 characters' })
  identifier!: string;

  @Field()
  @Length(1, 200, { message: 'model must be between 1 and 200 characters' })
  model!: string;

  @Field(() => Int, { nullable: true })
  @Min(1900)
  @Max(2100)
  year?: number | null;

  @Field(() => Int, { defaultValue: 0 })
  @Min(0, { message: 'mileage must not be negative' })
  mileage!: number;

  @Field(() => AssetFinancingInput, { nullable: true })
  @ValidateNested()
  financing?: AssetFinancingInput | null;

  @Field(() => AssetInsuranceInput, { nullable: true })
  @ValidateNested()
  insurance?: AssetInsuranceInput | null;

  @Field(() => ID, { nullable: true, description: 'The deal that sold it' })
  opportunityId?: string | null;

  @Field(() => ID, { nullable: true, description: 'The accepted quote it was sold on' })
  quoteId?: string | null;
}

@InputType({ description: 'Changes the fields given; null financing or insurance removes it' })
export class UpdateAssetInput {
  @Field(() => String, { nullable: true, description: 'e.g. the VIN once the car a deal ordered is delivered' })
  @Length(1, 100, { message: 'identifier must be between 1 and 100 characters' })
  identifier?: string | null;

  @Field(() => String, { nullable: true })
  @Length(1, 200, { message: 'model must be between 1 and 200 characters' })
  model?: string | null;

  @Field(() => Int, { nullable: true })
  @Min(1900)
  @Max(2100)
  year?: number | null;

  @Field(() => AssetFinancingInput, { nullable: true })
  @ValidateNested()
  financing?: AssetFinancingInput | null;

  @Field(() => AssetInsuranceInput, { nullable: true })
  @ValidateNested()
  insurance?: AssetInsuranceInput | null;
}

@InputType()
export class RecordServiceVisitInput {
  @Field(() => ID)
  assetId!: string;

  @Field(() => LocalDateScalar)
  visitedOn!: string;

  @Field(() => Int)
  @Min(0, { message: 'mileage must not be negative' })
  mileage!: number;

  @Field()
  @Length(1, 5000, { message: 'workDone must be between 1 and 5000 characters' })
  workDone!: string;

  @Field(() => MoneyInput)
  @ValidateNested()
  cost!: MoneyInput;
}
