import { describe, expect, it } from '@jest/globals';
import { InteractionType } from '../interaction/interaction.entity.js';
import { compileRules } from './segment.compiler.js';
import { SegmentGroupOperator as Op, SegmentProfileField, SegmentTextOperator, type SegmentRuleGroup } from './segment.rules.js';

const now = new Date('2026-11-25T00:00:00Z');
const group = (operator: Op, conditions: SegmentRuleGroup['conditions'], groups: SegmentRuleGroup[] = []): SegmentRuleGroup => ({
  operator,
  conditions,
  groups,
});

describe('segment rule compiler', () => {
  it('keeps every value out of the SQL text', () => {
    const hostile = "x'); drop table interaction; --";
    const compiled = compileRules(
      group(Op.AND, [
        { profile: { field: SegmentProfileField.CITY, operator: SegmentTextOperator.CONTAINS, value: hostile } },
        { interactions: { type: InteractionType.PAGE_VIEW, property: { key: hostile, contains: '50%_off' }, atLeast: 3, withinDays: 30 } },
        { consent: { purpose: hostile, granted: true } },
      ]),
      now,
    );
    expect(compiled.sql).not.toContain('drop table');
    expect(compiled.params).toEqual([`%${hostile}%`, 3, new Date('2026-10-26T00:00:00Z'), 'PAGE_VIEW', hostile, '%50\\%\\_off%', 3, hostile]);
    expect(compiled.sql.match(/\?/g)).toHaveLength(compiled.params.length);
  });

  it('joins groups with their operator and negates "has none"', () => {
    const compiled = compileRules(
      group(
        Op.OR,
        [{ opportunity: { hasOpen: false } }],
        [group(Op.AND, [{ profile: { field: SegmentProfileField.GENDER, operator: SegmentTextOperator.IS_SET } }])],
      ),
      now,
    );
    expect(compiled.sql).toBe('(not exists (select 1 from opportunity_state o where o.customer_id = t.id and o.is_open) or (t.gender is not null))');
  });

  it.each([
    ['an empty group', group(Op.AND, []), 'rules is an empty group'],
    ['an empty nested group', group(Op.AND, [{ opportunity: { hasOpen: true } }], [group(Op.OR, [])]), 'rules.groups[0] is an empty group'],
    [
      'a window of 0 days',
      group(Op.AND, [{ interactions: { atLeast: 1, withinDays: 0 } }]),
      'rules.conditions[0].interactions.withinDays must be between 1 and 3650',
    ],
    ['two kinds in one condition', group(Op.AND, [{ consent: { purpose: 'x', granted: true }, opportunity: { hasOpen: true } }]), 'must set exactly one'],
    [
      'a comparison without value',
      group(Op.AND, [{ profile: { field: SegmentProfileField.CITY, operator: SegmentTextOperator.EQUALS } }]),
      'value is required',
    ],
    ['atMost below atLeast', group(Op.AND, [{ interactions: { atLeast: 3, atMost: 1, withinDays: 7 } }]), 'atMost must not be below atLeast'],
  ])('rejects %s with BAD_USER_INPUT', (_name, rules, message) => {
    expect(() => compileRules(rules, now)).toThrow(
      expect.objectContaining({ message: expect.stringContaining(message), extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) }),
    );
  });
});
