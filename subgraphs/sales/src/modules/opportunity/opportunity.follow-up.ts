import { platform } from '@crm/kit/config.js';
import { addDays, atLocalTime, localDateOf } from '@crm/kit/local-time.js';

/** The hour of the dealer's morning the owner calls when no date was agreed. */
export const FIRST_OFFER_CALL_HOUR = 10;

/**
 * Without an agreed date the owner calls three days after the offer went out, at 10:00 on the dealer's wall clock
 * (DEALER_TIME_ZONE): 08:00 UTC in Prague's summer, 09:00 in its winter.
 */
export function defaultFirstOfferCall(offerSentAt: Date, timeZone = platform().DEALER_TIME_ZONE): Date {
  return atLocalTime(addDays(localDateOf(offerSentAt, timeZone), 3), FIRST_OFFER_CALL_HOUR, 0, timeZone);
}
