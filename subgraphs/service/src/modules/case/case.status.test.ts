import { describe, expect, it } from '@jest/globals';
import { DomainError } from '@crm/kit/errors.js';
import { CaseStatus } from './case.enums.js';
import { assertTransition } from './case.status.js';

describe('case status machine', () => {
  it('allows the lifecycle and reopening a resolved case', () => {
    const path: CaseStatus[] = [
      CaseStatus.NEW,
      CaseStatus.OPEN,
      CaseStatus.PENDING,
      CaseStatus.OPEN,
      CaseStatus.RESOLVED,
      CaseStatus.OPEN,
      CaseStatus.RESOLVED,
      CaseStatus.CLOSED,
    ];
    for (let i = 1; i < path.length; i++) expect(() => assertTransition(path[i - 1]!, path[i]!)).not.toThrow();
  });

  it('rejects skipping and leaving CLOSED with CONFLICT (the status forbids it)', () => {
    expect(() => assertTransition(CaseStatus.NEW, CaseStatus.CLOSED)).toThrow('A case cannot move from NEW to CLOSED; from NEW it can move to OPEN');
    expect(() => assertTransition(CaseStatus.CLOSED, CaseStatus.OPEN)).toThrow('CLOSED is final');
    try {
      assertTransition(CaseStatus.NEW, CaseStatus.RESOLVED);
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).extensions.code).toBe('CONFLICT');
    }
  });
});
