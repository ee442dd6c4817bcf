import { Decimal } from 'decimal.js';

/** Money as stored (numeric with scale 2): rounded half-up to cents, so a response reads the same as a later query. */
export const cents = (value: Decimal.Value): string => new Decimal(value).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2);
