import { conflict } from '@crm/kit/errors.js';
import { CaseStatus } from './case.enums.js';

/** The case lifecycle: NEW → OPEN → PENDING → RESOLVED → CLOSED; PENDING returns to OPEN and a RESOLVED case may be reopened. */
export const CASE_TRANSITIONS: Readonly<Record<CaseStatus, readonly CaseStatus[]>> = {
  [CaseStatus.NEW]: [CaseStatus.OPEN],
  [CaseStatus.OPEN]: [CaseStatus.PENDING, CaseStatus.RESOLVED],
  [CaseStatus.PENDING]: [CaseStatus.OPEN, CaseStatus.RESOLVED],
  [CaseStatus.RESOLVED]: [CaseStatus.CLOSED, CaseStatus.OPEN],
  [CaseStatus.CLOSED]: [],
};

/** A move the case's status forbids is CONFLICT (the record's state, not the input, is what stands in the way). */
export function assertTransition(from: CaseStatus, to: CaseStatus): void {
  if (CASE_TRANSITIONS[from].includes(to)) return;
  const allowed = CASE_TRANSITIONS[from];
  throw conflict(`A case cannot move from ${from} to ${to}; ${allowed.length ? `from ${from} it can move to ${allowed.join(' or ')}` : `${from} is final`}`);
}
