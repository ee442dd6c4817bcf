import type { Response, Router } from 'express';
import type { MikroORM } from '@mikro-orm/postgresql';
import { readLinkToken } from '@crm/kit/access/link-token.js';
import { DomainError } from '@crm/kit/errors.js';
import type { GraphClient } from '@crm/kit/graph-client.js';
import type { Logger } from '@crm/kit/logger.js';
import { MessageSend } from './message-send.entity.js';
import { CLICK, UNSUBSCRIBE } from './unsubscribe.js';
import { applyEngagement, withdrawMarketing } from './engagement.js';
import { providerWebhookRoutes } from './provider-webhook.js';

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${title}</title></head>` +
  `<body style="font-family:sans-serif;max-width:32rem;margin:3rem auto"><h1>${title}</h1>${body}</body></html>`;

/**
 * The unsubscribe link of a marketing message. GET only asks (mail scanners open links); POST, from the page's button or
 * a mail client's one-click List-Unsubscribe-Post, withdraws the customer's marketing consent on that channel in identity,
 * the consents' owner; its ConsentChanged then ends their sequences here.
 */
export function messagingRoutes(router: Router, context: { orm: MikroORM; graph: GraphClient; log: Logger }): void {
  unsubscribeRoutes(router, context);
  clickRoutes(router, context);
  providerWebhookRoutes(router, context);
}

function unsubscribeRoutes(router: Router, { orm, graph, log }: { orm: MikroORM; graph: GraphClient; log: Logger }): void {
  router.get('/unsubscribe/:token', async (req, res) => {
    if (!(await messageOf(orm, req.params.token!, res))) return;
    res.type('html').send(page('Unsubscribe', `<p>Stop marketing messages from us?</p><form method="post"><button type="submit">Unsubscribe</button></form>`));
  });
  router.post('/unsubscribe/:token', async (req, res) => {
    const send = await messageOf(orm, req.params.token!, res);
    if (!send) return;
    const previous = send.unsubscribedAt ?? null;
    if (await claimUnsubscribe(orm, send)) {
      try {
        await withdrawMarketing(graph, send, 'unsubscribe-link');
      } catch (error) {
        // Nothing was withdrawn: the link must work when the customer tries again.
        await orm.em.fork().nativeUpdate(MessageSend, { id: send.id }, { unsubscribedAt: previous });
        throw error;
      }
      log.info({ messageSendId: send.id }, 'unsubscribed through a message link');
    }
    res.type('html').send(page('You are unsubscribed', '<p>You will receive no more marketing messages from us on this channel.</p>'));
  });
}

/**
 * Whether this POST withdraws the consent: once per message, and again only if the customer has granted marketing on
 * its channel since. A replayed link, or a mail client's second one-click POST, recorded a withdrawal each time. The
 * conditional update lets one of two simultaneous POSTs through.
 */
async function claimUnsubscribe(orm: MikroORM, send: MessageSend): Promise<boolean> {
  const em = orm.em.fork();
  const previous = send.unsubscribedAt ?? null;
  if (previous) {
    const regranted = await em.execute<Array<{ granted: boolean }>>(
      `select granted from consent_state where customer_id = ? and purpose = 'MARKETING' and channel = ? and granted and changed_at > ?`,
      [send.customerId, send.channel, previous],
    );
    if (regranted.length === 0) return false;
  }
  return (await em.nativeUpdate(MessageSend, { id: send.id, unsubscribedAt: previous }, { unsubscribedAt: new Date() })) > 0;
}

/** A tracked link: the click is recorded on its message (and its campaign's metrics), then the browser goes on. */
function clickRoutes(router: Router, { orm, graph }: { orm: MikroORM; graph: GraphClient }): void {
  router.get('/click/:token', async (req, res) => {
    let subject: string;
    try {
      subject = (await readLinkToken(CLICK, req.params.token!)).subject;
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return void res.status(404).type('html').send(page('This link is not valid', '<p>It may have been copied incompletely.</p>'));
    }
    const [messageSendId, url] = [subject.slice(0, subject.indexOf(' ')), subject.slice(subject.indexOf(' ') + 1)];
    await applyEngagement(orm, graph, { messageSendId, type: 'CLICKED', at: new Date(), detail: url });
    res.redirect(302, url);
  });
}

async function messageOf(orm: MikroORM, token: string, res: Response): Promise<MessageSend | null> {
  try {
    const { subject } = await readLinkToken(UNSUBSCRIBE, token);
    const send = await orm.em.fork().findOne(MessageSend, { id: subject });
    if (send) return send;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
  }
  res.status(404).type('html').send(page('This link is not valid', '<p>It may have been copied incompletely.</p>'));
  return null;
}
