import { getMetadataStorage as validationMetadata, validate } from 'class-validator';
import { ArgumentValidationError, getMetadataStorage, type ValidatorFn } from 'type-graphql';
import { ItemProblems } from './bulk.js';
import { flattenValidation } from './errors.js';

/**
 * class-validator's settings for arguments: buildFederatedSchema gives them to type-graphql (its `validate`), and
 * the checks below use them as type-graphql would.
 */
export const VALIDATION_SETTINGS = { forbidUnknownValues: false, skipMissingProperties: true } as const;
const SETTINGS = { ...VALIDATION_SETTINGS };

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

/** An input object validated as type-graphql validates it (the same settings, the same error), class-validator imported once. */
const validateObject: ValidatorFn = async (value) => {
  if (value === null || typeof value !== 'object') return;
  const failures = await validate(value, SETTINGS);
  if (failures.length > 0) throw new ArgumentValidationError(failures);
};

/** Whether class-validator has any rule for instances of `type` (its own or inherited; @ValidateNested included). */
const hasRules = (type: unknown): boolean => typeof type === 'function' && validationMetadata().getTargetValidationMetadatas(type, '', false, false).length > 0;

/**
 * Decides once, when the schema is built, how each argument type-graphql would validate (not one declared
 * `validate: false`, nor one with a validator of its own) is checked at every call, with VALIDATION_SETTINGS (a
 * parameter of a custom decorator is left to type-graphql; the platform has none):
 * - a list: item by item (above);
 * - an input object with rules: by class-validator, imported once; type-graphql's own validation imports it anew at
 *   every call (`await import('class-validator')`): validation took 4.2 % of service's time in the 360° query, 2.0 %
 *   after (CPU profiles, ADR 12);
 * - anything else (a scalar, an input without rules): not at all.
 */
export function prepareArgumentValidation(): void {
  for (const param of getMetadataStorage().params) {
    if ((param.kind !== 'arg' && param.kind !== 'args') || param.validateSettings !== undefined || param.validateFn) continue;
    // Resolving the type first: type-graphql learns that an argument is a list (`typeOptions.array`) only then.
    const type = param.getType();
    if (param.typeOptions.array) param.validateFn = validateEachItem;
    else if (hasRules(type)) param.validateFn = validateObject;
    else param.validateSettings = false;
  }
}
