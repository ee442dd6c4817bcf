import { randomUUID } from 'node:crypto';
import nodemailer from 'nodemailer';
import { marketingSettings } from '../../settings.js';

export interface OutboundAttachment {
  filename: string;
  contentType: string;
  content: string;
  /** How `content` is written: base64 for a binary file (a PDF), text otherwise. */
  encoding?: 'base64';
}

export interface OutboundMessage {
  /** The message's own id: a provider that sees it twice (a retry after a crash) sends it once; SMTP uses it as Message-ID. */
  idempotencyKey: string;
  to: string;
  subject: string;
  text: string;
  attachments?: OutboundAttachment[];
  /** An iCalendar invitation shown by mail clients as an event (also sent as an .ics attachment). */
  calendar?: string;
  /** Extra headers, e.g. List-Unsubscribe. */
  headers?: Record<string, string>;
}

/**
 * A provider's refusal. `permanent`: the address or the message will never be accepted (an SMTP 5xx, a bounce),
 * so it is not retried; otherwise (a timeout, a 4xx, a connection refused) the job retries with backoff.
 */
export class OutboundError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
    /** What the message becomes when this is final: BOUNCED (the provider refused the address) or FAILED. */
    readonly outcome: 'BOUNCED' | 'FAILED' = permanent ? 'BOUNCED' : 'FAILED',
  ) {
    super(message);
  }
}

/** Where messages to customers leave the platform: an e-mail provider, or memory in tests and development. */
export interface OutboundChannel {
  readonly name: string;
  send(message: OutboundMessage): Promise<{ providerMessageId: string }>;
}

/** Keeps every message in memory instead of sending it; like a provider, it accepts one message per idempotency key. */
export class RecordingChannel implements OutboundChannel {
  readonly sent: Array<OutboundMessage & { providerMessageId: string }> = [];
  private readonly byKey = new Map<string, string>();

  constructor(readonly name = 'recording') {}

  async send(message: OutboundMessage): Promise<{ providerMessageId: string }> {
    const known = this.byKey.get(message.idempotencyKey);
    if (known) return { providerMessageId: known };
    const providerMessageId = `recorded-${randomUUID()}`;
    this.byKey.set(message.idempotencyKey, providerMessageId);
    this.sent.push({ ...message, providerMessageId });
    return { providerMessageId };
  }
}

/** E-mail over SMTP (nodemailer). */
export class SmtpChannel implements OutboundChannel {
  readonly name = 'smtp';
  private readonly transport;
  private readonly domain: string;

  constructor(private readonly options: { host: string; port: number; from: string; secure?: boolean }) {
    this.transport = nodemailer.createTransport({
      host: options.host,
      port: options.port,
      secure: options.secure ?? options.port === 465,
    });
    this.domain = options.from.split('@')[1]?.replace(/[>\s]/g, '') || 'crm.local';
  }

  async send(message: OutboundMessage): Promise<{ providerMessageId: string }> {
    const info = await this.transport.sendMail(this.mail(message)).catch((error: unknown) => {
      throw smtpError(error);
    });
    return { providerMessageId: info.messageId };
  }

  private mail(message: OutboundMessage) {
    return {
      from: this.options.from,
      messageId: `<${message.idempotencyKey}@${this.domain}>`,
      headers: message.headers,
      to: message.to,
      subject: message.subject,
      text: message.text,
      icalEvent: message.calendar ? { method: 'REQUEST', filename: 'invite.ics', content: message.calendar } : undefined,
      attachments: [
        ...(message.attachments ?? []),
        ...(message.calendar ? [{ filename: 'invite.ics', contentType: 'text/calendar; method=REQUEST', content: message.calendar }] : []),
      ],
    };
  }

  close(): void {
    this.transport.close();
  }
}

/** SMTP replies 5xx for what will never be accepted (unknown mailbox); anything else may work on a retry. */
function smtpError(error: unknown): OutboundError {
  const code = (error as { responseCode?: number }).responseCode;
  const message = error instanceof Error ? error.message : String(error);
  return new OutboundError(message.slice(0, 500), typeof code === 'number' && code >= 500);
}

/** OUTBOUND_CHANNEL=smtp (SMTP_HOST, SMTP_PORT, SMTP_FROM) or recording (the default: nothing leaves the process). */
export function outboundChannelFromSettings(): OutboundChannel {
  const settings = marketingSettings.read();
  if (settings.OUTBOUND_CHANNEL === 'recording') return new RecordingChannel();
  return new SmtpChannel({ host: settings.SMTP_HOST!, port: settings.SMTP_PORT, from: settings.SMTP_FROM! });
}
