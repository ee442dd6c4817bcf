import { calendarInvite } from '../messaging/ics.js';
import type { OutboundMessage } from '../messaging/outbound.channel.js';

export const APPOINTMENT_MINUTES = 60;

export interface AppointmentRequest {
  leadId: string;
  email: string;
  firstName: string | null;
  requestedAppointment: Date | null;
  model: string | null;
}

/** The confirmation of a web-form request: a summary, and the requested slot as a calendar invitation. */
export function appointmentConfirmation(request: AppointmentRequest): OutboundMessage {
  const about = request.model ? `the ${request.model}` : 'your enquiry';
  const slot = request.requestedAppointment;
  const summary = [
    `Hello${request.firstName ? ` ${request.firstName}` : ''},`,
    '',
    `thank you for your request about ${about}.`,
    slot
      ? `Requested appointment: ${slot.toISOString().slice(0, 16).replace('T', ' ')} UTC (${APPOINTMENT_MINUTES} minutes).`
      : 'We will call you to agree on an appointment.',
    'Your dealer will confirm it shortly.',
  ].join('\n');
  return {
    to: request.email,
    subject: slot ? `Your appointment request: ${about}` : `We received your request about ${about}`,
    text: summary,
    calendar: slot
      ? calendarInvite({
          uid: `appointment-${request.leadId}@crm`,
          start: slot,
          end: new Date(slot.getTime() + APPOINTMENT_MINUTES * 60_000),
          summary: `Appointment at your dealer: ${about}`,
          description: summary,
        })
      : undefined,
  };
}
