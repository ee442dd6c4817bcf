import { validate } from 'class-validator';
import { getMetadataStorage, type ValidatorFn } from 'type-graphql';
import { ItemProblems } from './bulk.js';
import { flattenValidation } from './errors.js';

/** class-validator's settings for arguments, as type-graphql applies them with buildFederatedSchema's `validate`. */
const SETTINGS = { forbidUnknownValues: false, skipMissingProperties: true };

/**
 * A list argument (a bulk call's items) validated item by item: every bad item is named by its index in
 * `extensions.items`, as a bulk call's own checks name them (kit/bulk.ts). type-graphql's own validation stops at
 * the first bad item and does not say which one it was.
 */
const validateEachItem: ValidatorFn = async (value) => {
  if (!Array.isArray(value)) return;
  const problems = new ItemProblems();
  const failures = await Promise.all(value.map((item: unknown) => (item !== null && typeof item === 'object' ? validate(item, SETTINGS) : [])));
  failures.forEach((itemFailures, index) => {
    for (const { field, message } of flattenValidation(itemFailures)) problems.add(index, field, message);
  });
  problems.throwIfAny(value.length, 'items');
};

/**
 * Gives every list argument type-graphql would validate (not one declared `validate: false`, nor one with a
 * validator of its own) the item-by-item validation above.
 */
export function validateListArgumentsPerItem(): void {
  for (const param of getMetadataStorage().params) {
    if (param.kind === 'arg' && param.typeOptions.array && param.validateSettings === undefined && !param.validateFn) {
      param.validateFn = validateEachItem;
    }
  }
}
