import { calendarInvite } from '../messaging/ics.js';

export const APPOINTMENT_MINUTES = 60;

/** The requested slot as the dealer's wall clock shows it, e.g. "2026-12-10 14:00 (Europe/Prague)". */
export function localAppointment(at: Date, timeZone: string): string {
  const local = new Intl.DateTimeFormat('sv-SE', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).format(
    at,
  );
  return `${local} (${timeZone})`;
}

/** The requested slot as a calendar invitation, which mail clients show as an event. */
export function appointmentInvite(request: { leadId: string; requestedAppointment: Date; model: string | null }): string {
  const about = request.model ? `the ${request.model}` : 'your enquiry';
  return calendarInvite({
    uid: `appointment-${request.leadId}@crm`,
    start: request.requestedAppointment,
    end: new Date(request.requestedAppointment.getTime() + APPOINTMENT_MINUTES * 60_000),
    summary: `Appointment at your dealer: ${about}`,
    description: `Your requested appointment about ${about}. Your dealer will confirm it shortly.`,
  });
}
