import { describe, expect, it } from '@jest/globals';
import { ProductCategory } from '../product/product.entity.js';
import { chooseOwner, ruleMatches, type RuleView } from './routing.rules.js';

const praha: RuleView = {
  name: 'Praha cars',
  regionPrefix: 'Praha',
  productCategory: ProductCategory.CAR,
  candidateUserIds: ['a', 'b'],
  capacityPerRep: 3,
  priority: 10,
};
const anywhere: RuleView = { name: 'Anywhere', candidateUserIds: ['c'], priority: 0 };
const lead = { region: 'praha 5', productCategory: ProductCategory.CAR };
const defaults = { capacity: 5, queueOwnerId: null };

describe('lead routing rules', () => {
  it('matches a region by prefix, ignoring case and diacritics, and the product category', () => {
    expect(ruleMatches(praha, lead)).toBe(true);
    expect(ruleMatches({ ...praha, regionPrefix: 'Plzeň' }, { ...lead, region: 'plzen-sever' })).toBe(true);
    expect(ruleMatches(praha, { ...lead, region: 'Brno' })).toBe(false);
    expect(ruleMatches(praha, { ...lead, region: null })).toBe(false);
    expect(ruleMatches(praha, { ...lead, productCategory: ProductCategory.INSURANCE })).toBe(false);
    expect(ruleMatches(anywhere, { region: null, productCategory: null })).toBe(true);
  });

  it('gives the lead to the candidate with the most free capacity', () => {
    const routing = chooseOwner(
      [anywhere, praha],
      lead,
      new Map([
        ['a', 2],
        ['b', 0],
      ]),
      defaults,
    );
    expect(routing).toEqual({ ownerId: 'b', reason: 'rule "Praha cars": 3 of 3 open-lead slots were free' });
  });

  it('passes over a rule whose reps are full, then to the default queue', () => {
    const full = new Map([
      ['a', 3],
      ['b', 3],
    ]);
    expect(chooseOwner([praha, anywhere], lead, full, defaults).ownerId).toBe('c');
    expect(chooseOwner([praha], lead, full, { capacity: 5, queueOwnerId: 'q' })).toMatchObject({
      ownerId: 'q',
      reason: expect.stringMatching(/at capacity; sent to the default queue/),
      queued: true,
    });
  });

  it('leaves the lead unassigned, with the reason, when nothing matches and there is no queue', () => {
    expect(chooseOwner([praha], { region: 'Brno', productCategory: null }, new Map(), defaults)).toEqual({
      ownerId: null,
      reason: 'no routing rule matches the region and product; no default queue is configured',
    });
  });
});
