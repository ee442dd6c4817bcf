import { Decimal } from 'decimal.js';
import { GraphQLScalarType, Kind } from 'graphql';
import { Directive, Field, InputType, ObjectType } from 'type-graphql';
import { IsISO4217CurrencyCode } from 'class-validator';
import { LocalDateResolver } from 'graphql-scalars';
import { badInput } from './errors.js';

/**
 * At most 14 digits before the point: money is stored as numeric(16,2), the widest column a Decimal goes into
 * (percentages are narrower, and each is checked against 0–100 where it is used). A 15th digit would overflow the
 * column at the database instead of being refused here.
 */
const DECIMAL_PATTERN = /^-?\d{1,14}(\.\d{1,6})?$/;

function parseDecimal(value: unknown): string {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !DECIMAL_PATTERN.test(text.trim())) {
    throw badInput(`"${String(value)}" is not a decimal number such as "1250.50" (at most 14 digits before the point and 6 after)`);
  }
  return new Decimal(text.trim()).toFixed();
}

/** Exact decimal numbers travel as strings so money never passes through a float. */
export const DecimalScalar = new GraphQLScalarType({
  name: 'Decimal',
  description: 'An exact decimal number as a string, e.g. "34990.00": at most 14 digits before the point and 6 after',
  // Keeps the scale the database returned ("899900.00"), so money reads as money.
  serialize: (value) => (typeof value === 'string' && DECIMAL_PATTERN.test(value) ? value : new Decimal(value as Decimal.Value).toFixed()),
  parseValue: parseDecimal,
  parseLiteral: (ast) => {
    if (ast.kind === Kind.STRING || ast.kind === Kind.INT || ast.kind === Kind.FLOAT) return parseDecimal(ast.value);
    throw badInput('Decimal values are written as strings, e.g. "1250.50"');
  },
});

/** Year 0000 passes graphql-scalars' LocalDate, but PostgreSQL's calendar has no year 0 (1 BC precedes 1 AD). */
function refuseYearZero(date: unknown): unknown {
  if (typeof date === 'string' && date.startsWith('0000-')) throw badInput(`"${date}" is not a date that can be stored: the year must be 0001 or later`);
  return date;
}

/**
 * graphql-scalars' LocalDate (the same name, description and format), refusing year 0000 at the door. Every
 * subgraph uses this one, never LocalDateResolver itself: a schema takes one scalar per name.
 */
export const LocalDateScalar = new GraphQLScalarType({
  ...LocalDateResolver.toConfig(),
  parseValue: (value) => refuseYearZero(LocalDateResolver.parseValue(value)),
  parseLiteral: (ast, variables) => refuseYearZero(LocalDateResolver.parseLiteral(ast, variables)),
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
