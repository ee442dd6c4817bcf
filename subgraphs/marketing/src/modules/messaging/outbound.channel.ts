import { randomUUID } from 'node:crypto';
import nodemailer from 'nodemailer';
import { marketingSettings } from '../../settings.js';

export interface OutboundAttachment {
  filename: string;
  contentType: string;
  content: string;
}

export interface OutboundMessage {
  to: string;
  subject: string;
  text: string;
  attachments?: OutboundAttachment[];
  /** An iCalendar invitation shown by mail clients as an event (also sent as an .ics attachment). */
  calendar?: string;
}

/** Where messages to customers leave the platform: an e-mail provider, or memory in tests and development. */
export interface OutboundChannel {
  readonly name: string;
  send(message: OutboundMessage): Promise<{ providerMessageId: string }>;
}

/** Keeps every message in memory instead of sending it. */
export class RecordingChannel implements OutboundChannel {
  readonly name = 'recording';
  readonly sent: Array<OutboundMessage & { providerMessageId: string }> = [];

  async send(message: OutboundMessage): Promise<{ providerMessageId: string }> {
    const providerMessageId = `recorded-${randomUUID()}`;
    this.sent.push({ ...message, providerMessageId });
    return { providerMessageId };
  }
}

/** E-mail over SMTP (nodemailer). */
export class SmtpChannel implements OutboundChannel {
  readonly name = 'smtp';
  private readonly transport;

  constructor(private readonly options: { host: string; port: number; from: string; secure?: boolean }) {
    this.transport = nodemailer.createTransport({
      host: options.host,
      port: options.port,
      secure: options.secure ?? options.port === 465,
    });
  }

  async send(message: OutboundMessage): Promise<{ providerMessageId: string }> {
    const info = await this.transport.sendMail({
      from: this.options.from,
      to: message.to,
      subject: message.subject,
      text: message.text,
      icalEvent: message.calendar ? { method: 'REQUEST', filename: 'invite.ics', content: message.calendar } : undefined,
      attachments: [
        ...(message.attachments ?? []),
        ...(message.calendar ? [{ filename: 'invite.ics', contentType: 'text/calendar; method=REQUEST', content: message.calendar }] : []),
      ],
    });
    return { providerMessageId: info.messageId };
  }

  close(): void {
    this.transport.close();
  }
}

/** OUTBOUND_CHANNEL=smtp (SMTP_HOST, SMTP_PORT, SMTP_FROM) or recording (the default: nothing leaves the process). */
export function outboundChannelFromSettings(): OutboundChannel {
  const settings = marketingSettings.read();
  if (settings.OUTBOUND_CHANNEL === 'recording') return new RecordingChannel();
  return new SmtpChannel({ host: settings.SMTP_HOST!, port: settings.SMTP_PORT, from: settings.SMTP_FROM! });
}
