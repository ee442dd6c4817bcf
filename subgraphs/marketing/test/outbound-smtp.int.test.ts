import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SMTPServer } from 'smtp-server';
import { calendarInvite } from '../src/modules/messaging/ics.js';
import { SmtpChannel } from '../src/modules/messaging/outbound.channel.js';

interface Received {
  from: string;
  to: string[];
  raw: string;
}

let server: SMTPServer;
let port: number;
const received: Received[] = [];

beforeAll(async () => {
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  port = (server.server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** The decoded body of the MIME part whose headers mention `marker`. */
function mimePart(raw: string, marker: string): string {
  const parts = raw.split(/\r?\n--[^\r\n]+\r?\n/);
  const part = parts.find((p) => p.includes(marker));
  if (!part) throw new Error(`no MIME part with ${marker}`);
  const [headers, ...body] = part.split(/\r?\n\r?\n/);
  const content = body.join('\n\n').replace(/\r?\n--[^\r\n]*--\s*$/, '');
  return /base64/i.test(headers!) ? Buffer.from(content.replace(/\s+/g, ''), 'base64').toString('utf8') : content;
}

describe('SmtpChannel', () => {
  it('delivers the message with its subject, recipient and .ics invitation to a real SMTP server', async () => {
    const channel = new SmtpChannel({ host: '127.0.0.1', port, from: 'dealer@example.com' });
    const calendar = calendarInvite({
      uid: 'appointment-1@crm',
      start: new Date('2026-11-21T14:00:00Z'),
      end: new Date('2026-11-21T15:00:00Z'),
      summary: 'Test drive',
    });
    const { providerMessageId } = await channel.send({
      idempotencyKey: 'message-1',
      to: 'jan.novak@example.com',
      subject: 'Your appointment request',
      text: 'See you soon',
      calendar,
    });
    channel.close();

    // The message's own id is its Message-ID: a retry of the same message carries the same one.
    expect(providerMessageId).toBe('<message-1@example.com>');
    expect(received).toHaveLength(1);
    const [mail] = received;
    expect(mail!.from).toBe('dealer@example.com');
    expect(mail!.to).toEqual(['jan.novak@example.com']);
    expect(mail!.raw).toMatch(/^Subject: Your appointment request$/m);
    expect(mail!.raw).toMatch(/^To: jan\.novak@example\.com$/m);
    expect(mail!.raw).toContain(providerMessageId);
    expect(mail!.raw).toMatch(/filename=invite\.ics/);
    const ics = mimePart(mail!.raw, 'filename=invite.ics');
    expect(ics).toContain('BEGIN:VCALENDAR');
    expect(ics).toContain('METHOD:REQUEST');
    expect(ics).toContain('UID:appointment-1@crm');
    expect(ics).toContain('DTSTART:20261121T140000Z');
  });

  it('fails for good when the server refuses the recipient', async () => {
    const refusing = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onRcptTo(_address, _session, callback) {
        callback(new Error('mailbox unavailable'));
      },
    });
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', () => resolve()));
    const channel = new SmtpChannel({ host: '127.0.0.1', port: (refusing.server.address() as AddressInfo).port, from: 'dealer@example.com' });
    const refused = channel.send({ idempotencyKey: 'message-2', to: 'nobody@example.com', subject: 'x', text: 'x' });
    await expect(refused).rejects.toThrow(/mailbox unavailable/);
    // A 5xx refusal is permanent: the message is BOUNCED, not retried.
    await expect(refused).rejects.toMatchObject({ permanent: true, outcome: 'BOUNCED' });
    channel.close();
    await new Promise<void>((resolve) => refusing.close(() => resolve()));
  });
});
