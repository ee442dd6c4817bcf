import { Field, ID, InputType, registerEnumType } from 'type-graphql';
import { ArrayMaxSize, Length, MaxLength, ValidateNested } from 'class-validator';

/** The purposes identity keeps consent for (same values as its ConsentPurpose). */
export enum WebFormConsentPurpose {
  MARKETING = 'MARKETING',
  PROFILING = 'PROFILING',
  SERVICE_COMMUNICATION = 'SERVICE_COMMUNICATION',
  THIRD_PARTY_SHARING = 'THIRD_PARTY_SHARING',
}
registerEnumType(WebFormConsentPurpose, { name: 'WebFormConsentPurpose' });

/** The channels identity keeps consent for (same values as its ConsentChannel). */
export enum WebFormConsentChannel {
  EMAIL = 'EMAIL',
  SMS = 'SMS',
  PHONE = 'PHONE',
  PUSH = 'PUSH',
  POST = 'POST',
  ANY = 'ANY',
}
registerEnumType(WebFormConsentChannel, { name: 'WebFormConsentChannel' });

@InputType({ description: 'A consent choice as the form showed it' })
export class WebFormConsentInput {
  @Field(() => WebFormConsentPurpose)
  purpose!: WebFormConsentPurpose;

  @Field(() => WebFormConsentChannel)
  channel!: WebFormConsentChannel;

  @Field()
  granted!: boolean;

  @Field({ description: 'Version of the consent text the person saw, e.g. "v3"' })
  @Length(1, 50, { message: 'textVersion must be between 1 and 50 characters' })
  textVersion!: string;
}

@InputType()
export class WebFormInterestInput {
  @Field(() => ID, { nullable: true, description: 'A product of the catalogue' })
  productId?: string | null;

  @Field(() => String, { nullable: true, description: 'The model as the person wrote it' })
  @MaxLength(200)
  model?: string | null;
}

@InputType({ description: 'A web-form submission from a partner or the dealer site' })
export class WebFormInput {
  @Field({ description: "The form's public key (webForms): which form posts, throttled per form, client address and e-mail" })
  @Length(1, 100)
  formKey!: string;

  @Field({ description: "The caller's id of this submission: a retry with it returns the same lead and changes nothing" })
  @Length(1, 200, { message: 'submissionId must be between 1 and 200 characters' })
  submissionId!: string;

  @Field(() => String, { nullable: true })
  @MaxLength(200)
  firstName?: string | null;

  @Field(() => String, { nullable: true })
  @MaxLength(200)
  lastName?: string | null;

  @Field(() => String, { nullable: true, description: 'An e-mail or a phone is required' })
  @MaxLength(254)
  email?: string | null;

  @Field(() => String, { nullable: true, description: 'Without a country prefix, read as Czech' })
  @MaxLength(50)
  phone?: string | null;

  @Field(() => [String], { defaultValue: [], description: 'Anonymous device/cookie ids of the browser, so earlier visits join the person' })
  @ArrayMaxSize(20)
  @MaxLength(200, { each: true })
  deviceIds!: string[];

  @Field(() => [WebFormConsentInput], { defaultValue: [] })
  @ArrayMaxSize(24)
  @ValidateNested()
  consents!: WebFormConsentInput[];

  @Field(() => Date, { nullable: true, description: 'The appointment slot asked for; must be in the future' })
  requestedAppointment?: Date | null;

  @Field(() => WebFormInterestInput, { nullable: true })
  @ValidateNested()
  interest?: WebFormInterestInput | null;

  @Field(() => String, { nullable: true, description: 'e.g. "Praha 5"; lead routing matches on it' })
  @MaxLength(200)
  region?: string | null;

  @Field(() => String, { nullable: true })
  @MaxLength(2000)
  pageUrl?: string | null;
}

@InputType()
export class CreateWebFormInput {
  @Field({ description: 'How staff know the form, e.g. the page it is on' })
  name!: string;
}
