/** Without an agreed date the owner calls three days after the offer went out, at 10:00 UTC. */
export function defaultFirstOfferCall(offerSentAt: Date): Date {
  const due = new Date(offerSentAt.getTime() + 3 * 24 * 3600_000);
  due.setUTCHours(10, 0, 0, 0);
  return due;
}
