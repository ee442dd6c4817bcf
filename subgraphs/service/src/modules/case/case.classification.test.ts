import { describe, expect, it } from '@jest/globals';
import { classifyCase, CLASSIFICATION_RULES } from './case.classification.js';

describe('case classification rules', () => {
  it('maps keywords to category, priority and line, the first matching rule winning', () => {
    expect(classifyCase('Brakes squeal and the brake light is on')).toEqual({ category: 'TECHNICAL', priority: 'URGENT', line: 'SECOND', rule: 'safety' });
    expect(classifyCase('Air conditioning still broken after service')).toMatchObject({ category: 'COMPLAINT', priority: 'HIGH', line: 'FIRST' });
    expect(classifyCase('Is the gearbox covered by the WARRANTY?')).toMatchObject({ category: 'WARRANTY', line: 'SECOND' });
    expect(classifyCase('Second charge on my invoice')).toMatchObject({ category: 'BILLING', priority: 'NORMAL' });
    expect(classifyCase('Cannot pair my phone over Bluetooth')).toMatchObject({ category: 'TECHNICAL', line: 'FIRST' });
  });

  it('matches at the start of a word only and falls back to GENERAL', () => {
    expect(classifyCase('Please repair the bumper').rule).toBeNull(); // "repair" is not "pair"
    expect(classifyCase('When is my car ready?')).toEqual({ category: 'GENERAL', priority: 'NORMAL', line: 'FIRST', rule: null });
  });

  it('accepts other rules as data', () => {
    const rules = [{ ...CLASSIFICATION_RULES[0]!, keywords: ['kaput'] }];
    expect(classifyCase('Engine kaput', rules).rule).toBe('safety');
  });
});
