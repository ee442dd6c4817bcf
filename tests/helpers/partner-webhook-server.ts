import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/** What a delivery carries (README, Webhooks). */
export interface WebhookBody {
  id: string;
  type: string;
  timestamp: string;
  cursor: string;
  aggregateType: string;
  aggregateId: string;
  data: Record<string, unknown>;
}

export interface ReceivedDelivery {
  headers: Record<string, string>;
  raw: string;
  body: WebhookBody;
}

/**
 * A partner's webhook receiver on a real local port: it records what arrives and answers as the test says (200,
 * 500, a redirect), or is closed altogether and opened again on the same port.
 */
export class PartnerWebhookServer {
  readonly received: ReceivedDelivery[] = [];
  /** How it answers: 200, a 500, or a redirect to the cloud metadata address. */
  answer: 'ok' | 'error' | 'redirect-to-metadata' = 'ok';
  private server: Server | null = null;
  private port = 0;

  async open(): Promise<void> {
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, String(v)]));
        if (this.answer === 'error') {
          response.writeHead(500, { 'content-type': 'text/plain' }).end('partner database is down');
          return;
        }
        if (this.answer === 'redirect-to-metadata') {
          response.writeHead(307, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
          return;
        }
        this.received.push({ headers, raw, body: JSON.parse(raw) as WebhookBody });
        response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Down: no longer listening, open connections cut (deliveries fail with connection refused). */
  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  url(path = '/hooks'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** The deliveries about one entity, in the order they arrived. */
  about(aggregateId: string): ReceivedDelivery[] {
    return this.received.filter((d) => d.body.aggregateId === aggregateId);
  }

  /** Verifies a delivery as a partner would: Standard Webhooks' HMAC over id, timestamp and body (throws if forged). */
  static verify(secret: string, delivery: ReceivedDelivery): unknown {
    return new Webhook(secret).verify(delivery.raw, {
      'webhook-id': delivery.headers['webhook-id']!,
      'webhook-timestamp': delivery.headers['webhook-timestamp']!,
      'webhook-signature': delivery.headers['webhook-signature']!,
    });
  }
}
