import { Decimal } from 'decimal.js';
import { GraphQLScalarType, Kind } from 'graphql';
import { Directive, Field, InputType, ObjectType } from 'type-graphql';
import { IsISO4217CurrencyCode } from 'class-validator';
import { badInput } from './errors.js';

const DECIMAL_PATTERN = /^-?\d{1,15}(\.\d{1,6})?$/;

function parseDecimal(value: unknown): string {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !DECIMAL_PATTERN.test(text.trim())) {
    throw badInput(`"${String(value)}" is not a decimal number such as "1250.50"`);
  }
  return new Decimal(text.trim()).toFixed();
}

/** Exact decimal numbers travel as strings so money never passes through a float. */
export const DecimalScalar = new GraphQLScalarType({
  name: 'Decimal',
  description: 'An exact decimal number as a string, e.g. "34990.00"',
  // Keeps the scale the database returned ("899900.00"), so money reads as money.
  serialize: (value) => (typeof value === 'string' && DECIMAL_PATTERN.test(value) ? value : new Decimal(value as Decimal.Value).toFixed()),
  parseValue: parseDecimal,
  parseLiteral: (ast) => {
    if (ast.kind === Kind.STRING || ast.kind === Kind.INT || ast.kind === Kind.FLOAT) return parseDecimal(ast.value);
    throw badInput('Decimal values are written as strings, e.g. "1250.50"');
  },
});

@ObjectType({ description: 'An amount of money in a currency' })
@Directive('@shareable')
export class Money {
  @Field(() => DecimalScalar)
  amount!: string;

  @Field({ description: 'ISO 4217 code, e.g. EUR' })
  currency!: string;
}

@InputType()
export class MoneyInput {
  @Field(() => DecimalScalar)
  amount!: string;

  @Field()
  @IsISO4217CurrencyCode({ message: 'currency must be an ISO 4217 code such as EUR or CZK' })
  currency!: string;
}

export function requireNonNegative(money: MoneyInput, field: string): void {
  if (new Decimal(money.amount).isNegative()) throw badInput(`${field} must not be negative`, field);
}
