import { LeadSource } from './lead.entity.js';

/** What is known about a lead when it is scored. */
export interface LeadSignals {
  source: LeadSource;
  requestedAppointment: boolean;
  /** A product of the catalogue was picked. */
  productInterest: boolean;
  /** Only a model was named (free text), no product picked. */
  modelInterest: boolean;
  regionKnown: boolean;
}

/**
 * Points per signal (the score is their sum, at most 100). Asking for an appointment says most
 * about buying intent; a picked product more than a named model; the source says how warm the contact is.
 */
export const LEAD_SCORING = {
  source: {
    [LeadSource.WALK_IN]: 25,
    [LeadSource.REFERRAL]: 25,
    [LeadSource.WEB_FORM]: 20,
    [LeadSource.PHONE]: 20,
    [LeadSource.PARTNER]: 15,
    [LeadSource.EMAIL]: 10,
    [LeadSource.CAMPAIGN]: 10,
  } satisfies Record<LeadSource, number>,
  requestedAppointment: 35,
  productInterest: 25,
  modelInterest: 10,
  regionKnown: 10,
  max: 100,
} as const;

export interface LeadScore {
  score: number;
  /** The signals that counted, with their points, so a rep sees why. */
  signals: Array<{ signal: string; points: number }>;
}

export function scoreLead(signals: LeadSignals): LeadScore {
  const counted: LeadScore['signals'] = [{ signal: `source:${signals.source}`, points: LEAD_SCORING.source[signals.source] }];
  if (signals.requestedAppointment) counted.push({ signal: 'requestedAppointment', points: LEAD_SCORING.requestedAppointment });
  if (signals.productInterest) counted.push({ signal: 'productInterest', points: LEAD_SCORING.productInterest });
  else if (signals.modelInterest) counted.push({ signal: 'modelInterest', points: LEAD_SCORING.modelInterest });
  if (signals.regionKnown) counted.push({ signal: 'regionKnown', points: LEAD_SCORING.regionKnown });
  const total = counted.reduce((sum, s) => sum + s.points, 0);
  return { score: Math.min(total, LEAD_SCORING.max), signals: counted };
}
