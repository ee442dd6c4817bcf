import { describe, expect, it } from '@jest/globals';
import { inputOrDeprecated, useInstead } from './argument-forms.js';

describe('a mutation read in its current or its deprecated form', () => {
  it('takes the input when given, else the deprecated arguments', () => {
    expect(inputOrDeprecated({ ownerId: 'a' }, { ownerId: null }, ['ownerId'])).toEqual({ ownerId: 'a' });
    expect(inputOrDeprecated<{ ownerId: string }>(null, { ownerId: 'b' }, ['ownerId'])).toEqual({ ownerId: 'b' });
    expect(inputOrDeprecated<{ reason?: string | null }>(undefined, { reason: null })).toEqual({});
  });

  it('refuses both forms at once, and neither when the input requires a value, naming the field', () => {
    expect(() => inputOrDeprecated({ status: 'QUALIFIED', reason: null }, { status: 'CONTACTED' }, ['status'])).toThrow(
      expect.objectContaining({
        message: 'Send input or the deprecated arguments (status), not both',
        extensions: { code: 'BAD_USER_INPUT', field: 'status' },
      }),
    );
    expect(() => inputOrDeprecated<{ stageId: string }>(null, { stageId: null }, ['stageId'])).toThrow(
      expect.objectContaining({ message: 'input.stageId is required', extensions: { code: 'BAD_USER_INPUT', field: 'input.stageId' } }),
    );
  });

  it('says in the deprecation what to use and when the old form goes', () => {
    expect(useInstead('input: { ownerId }')).toBe('Use input: { ownerId }; removed in 0.3');
  });
});
