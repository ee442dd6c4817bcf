import { createHmac, timingSafeEqual } from 'node:crypto';
import express, { type Router } from 'express';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { GraphClient } from '@crm/kit/graph-client.js';
import type { Logger } from '@crm/kit/logger.js';
import { marketingSettings } from '../../settings.js';
import { applyEngagement, ENGAGEMENTS, type Engagement } from './engagement.js';

const TOLERANCE_S = 5 * 60;

/**
 * A Standard Webhooks signature: `webhook-signature` holds `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`
 * (one or more, space-separated), made with the shared secret; the timestamp must be within five minutes.
 */
export function verifyWebhookSignature(
  secret: string,
  headers: { id?: string; timestamp?: string; signature?: string },
  body: Buffer,
  nowS = Math.floor(Date.now() / 1000),
): boolean {
  const { id, timestamp, signature } = headers;
  if (!id || !timestamp || !signature || !/^\d+$/.test(timestamp)) return false;
  if (Math.abs(nowS - Number(timestamp)) > TOLERANCE_S) return false;
  const expected = createHmac('sha256', secret).update(`${id}.${timestamp}.`).update(body).digest();
  return signature.split(' ').some((candidate) => {
    const [version, value] = candidate.split(',');
    if (version !== 'v1' || !value) return false;
    const given = Buffer.from(value, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

interface WebhookBody {
  events?: Array<{ messageId?: unknown; type?: unknown; at?: unknown; detail?: unknown }>;
}

/**
 * `POST /public/marketing/provider-events`: the e-mail or SMS provider's delivery, bounce, open, click, complaint and
 * reply reports, signed with PROVIDER_WEBHOOK_SECRET (without it the route does not exist). Unknown messages are
 * skipped; a malformed report is refused as a whole (400) so the provider's retry is not lost on a partial write.
 */
export function providerWebhookRoutes(router: Router, { orm, graph, log }: { orm: MikroORM; graph: GraphClient; log: Logger }): void {
  router.post('/provider-events', express.raw({ type: '*/*', limit: '1mb' }), async (req, res) => {
    const secret = marketingSettings.read().PROVIDER_WEBHOOK_SECRET;
    if (!secret) return void res.status(404).json({ error: 'No provider webhook is configured' });
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const signed = verifyWebhookSignature(
      secret,
      { id: req.header('webhook-id'), timestamp: req.header('webhook-timestamp'), signature: req.header('webhook-signature') },
      body,
    );
    if (!signed) return void res.status(401).json({ error: 'The signature is missing, wrong or too old' });
    let parsed: WebhookBody;
    try {
      parsed = JSON.parse(body.toString('utf8')) as WebhookBody;
    } catch {
      return void res.status(400).json({ error: 'The body is not JSON' });
    }
    const reports = (parsed.events ?? []).map((event) => ({
      providerMessageId: typeof event.messageId === 'string' ? event.messageId : '',
      type: event.type as Engagement,
      at: typeof event.at === 'string' ? new Date(event.at) : new Date(),
      detail: typeof event.detail === 'string' ? event.detail : null,
    }));
    const bad = reports.findIndex((r) => !r.providerMessageId || !ENGAGEMENTS.includes(r.type) || Number.isNaN(r.at.getTime()));
    if (bad >= 0 || reports.length === 0 || reports.length > 1000) {
      return void res.status(400).json({ error: `Send 1 to 1000 events, each with messageId, a type of ${ENGAGEMENTS.join(', ')} and an ISO time` });
    }
    let applied = 0;
    for (const report of reports) if (await applyEngagement(orm, graph, report)) applied += 1;
    log.info({ received: reports.length, applied }, 'provider events');
    res.json({ received: reports.length, applied });
  });
}
