import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { SmtpChannel } from '../../subgraphs/marketing/src/modules/messaging/outbound.channel.js';

/** One message as the SMTP server received it. */
export interface ReceivedMail {
  to: string[];
  messageId: string;
  /** Decoded. */
  subject: string;
  /** The whole message as sent: headers (folded as on the wire) and MIME body. */
  raw: string;
}

export interface TestSmtp {
  /** Marketing's e-mail channel, pointed at this server. */
  channel: SmtpChannel;
  mails: ReceivedMail[];
  /** The mails to one address. */
  to(address: string): ReceivedMail[];
  stop(): Promise<void>;
}

/** A header's value, unfolded. */
export const mailHeader = (raw: string, name: string): string =>
  new RegExp(`^${name}:((?:.*)(?:\\r?\\n[ \\t].*)*)`, 'mi')
    .exec(raw)?.[1]
    ?.replace(/\r?\n[ \t]+/g, ' ')
    .trim() ?? '';

/** A header's encoded words (=?UTF-8?Q?…?= and =?UTF-8?B?…?=) as text. */
export function decodeMimeWords(value: string): string {
  return value.replace(/\?=\s+=\?/g, '?==?').replace(/=\?utf-8\?([qb])\?([^?]*)\?=/gi, (_, encoding: string, text: string) =>
    encoding.toLowerCase() === 'b'
      ? Buffer.from(text, 'base64').toString('utf8')
      : Buffer.from(
          text.replace(/_/g, ' ').replace(/=([0-9a-f]{2})/gi, (_hex, code: string) => String.fromCharCode(parseInt(code, 16))),
          'latin1',
        ).toString('utf8'),
  );
}

/** The text of a plain-text mail, its quoted-printable soft breaks and escapes undone. */
export function mailText(raw: string): string {
  const body = raw.slice(raw.search(/\r?\n\r?\n/)).trim();
  return Buffer.from(
    body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_hex, code: string) => String.fromCharCode(parseInt(code, 16))),
    'latin1',
  ).toString('utf8');
}

/** The bytes of a mail's attachment of this content type (a base64 MIME part). */
export function mailAttachment(raw: string, contentType: string): Uint8Array {
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(raw)?.[1];
  const part = boundary ? raw.split(`--${boundary}`).find((p) => new RegExp(`^Content-Type: ${contentType}`, 'mi').test(p)) : undefined;
  if (!part) throw new Error(`the mail has no ${contentType} part`);
  return new Uint8Array(Buffer.from(part.slice(part.search(/\r?\n\r?\n/)).replace(/\s+/g, ''), 'base64'));
}

/** A real SMTP server on a free port (smtp-server), keeping every message it accepts. */
export async function startTestSmtp(): Promise<TestSmtp> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        mails.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          messageId: mailHeader(raw, 'Message-ID'),
          subject: decodeMimeWords(mailHeader(raw, 'Subject')),
          raw,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const channel = new SmtpChannel({ host: '127.0.0.1', port: (server.server.address() as AddressInfo).port, from: 'dealer@autonovak.example' });
  return {
    channel,
    mails,
    to: (address) => mails.filter((mail) => mail.to.includes(address)),
    stop: async () => {
      channel.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
