import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually } from './helpers/eventually.js';
import { queryOk } from './helpers/graphql.js';
import { startPlatform, type Platform } from './helpers/platform.js';
import { mailHeader, mailText, startTestSmtp, type ReceivedMail, type TestSmtp } from './helpers/smtp.js';

// Issue 12, point 2 (proof): a campaign started on a 200-member segment sends exactly once to each consenting member,
// through a real SMTP server, and to nobody else; marketing restarted in the middle of sending sends no duplicate;
// the campaign shows its counts and completes.

const MEMBERS = 200;
const CONSENTING = 150;

let platform: Platform;
const gql = <T>(query: string, variables?: Record<string, unknown>) => queryOk<T>(platform.gatewayUrl, query, variables);
let smtp: TestSmtp;
let mails: ReceivedMail[];

beforeAll(async () => {
  smtp = await startTestSmtp();
  mails = smtp.mails;
  // Any hour of the day, and fast: no quiet hours, a generous provider rate.
  process.env.QUIET_HOURS = 'off';
  process.env.EMAIL_PER_SECOND = '40';
  platform = await startPlatform({ marketing: { outbound: smtp.channel } });
}, 120_000);

afterAll(async () => {
  await platform?.stop();
  await smtp?.stop();
  delete process.env.QUIET_HOURS;
  delete process.env.EMAIL_PER_SECOND;
});

/** 200 customers with an e-mail each; the first 150 allow marketing e-mail. */
async function createAudience(): Promise<Array<{ id: string; email: string; consenting: boolean }>> {
  const run = randomUUID().slice(0, 8);
  const people: Array<{ id: string; email: string; consenting: boolean }> = [];
  for (let start = 0; start < MEMBERS; start += 20) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(20, MEMBERS - start) }, async (_, offset) => {
        const n = start + offset;
        const email = `member${n}.${run}@example.com`;
        const { createCustomer } = await gql<{ createCustomer: { id: string } }>(
          'mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { id } }',
          { input: { firstName: `Člen${n}`, lastName: 'Novák', emails: [email] } },
        );
        const consenting = n < CONSENTING;
        if (consenting) {
          await gql('mutation($input: RecordConsentInput!) { recordConsent(input: $input) { status } }', {
            input: { customerId: createCustomer.id, purpose: 'MARKETING', channel: 'EMAIL', status: 'GRANTED', source: 'test', textVersion: 'v1' },
          });
        }
        return { id: createCustomer.id, email, consenting };
      }),
    );
    people.push(...batch);
  }
  return people;
}

describe('a campaign sends to its segment (issue 12, point 2)', () => {
  it('sends exactly once to each consenting member through SMTP, survives a restart mid-send, and shows its counts', async () => {
    const people = await createAudience();
    const marketingDb = () => platform.subgraphs.marketing.orm.em.fork();
    // Marketing learns addresses and consents from identity's events.
    await eventually(async () => {
      const [row] = await marketingDb().execute<Array<{ contacts: string; consents: string }>>(
        `select (select count(*) from customer_contact where customer_id = any(?::uuid[])) as contacts,
                (select count(*) from consent_state where customer_id = any(?::uuid[]) and granted) as consents`,
        [`{${people.map((p) => p.id).join(',')}}`, `{${people.map((p) => p.id).join(',')}}`],
      );
      expect([Number(row!.contacts), Number(row!.consents)]).toEqual([MEMBERS, CONSENTING]);
    }, 60_000);

    const { createSegment } = await gql<{ createSegment: { id: string } }>('mutation($input: CreateSegmentInput!) { createSegment(input: $input) { id } }', {
      input: { name: `Winter service ${randomUUID()}`, kind: 'STATIC' },
    });
    await gql('mutation($segmentId: ID!, $ids: [ID!]!) { addToList(segmentId: $segmentId, customerIds: $ids) { id } }', {
      segmentId: createSegment.id,
      ids: people.map((p) => p.id),
    });
    const { createCampaign } = await gql<{ createCampaign: { id: string; version: number } }>(
      'mutation($input: CreateCampaignInput!) { createCampaign(input: $input) { id version } }',
      {
        input: {
          name: 'Winter tyres',
          segmentId: createSegment.id,
          channel: 'EMAIL',
          startsAt: new Date().toISOString(),
          content: [
            {
              language: 'cs',
              subject: 'Zimní pneumatiky pro {{firstName}}',
              text: 'Dobrý den {{firstName}},\nje čas na zimní pneumatiky: https://dealer.example.cz/zimni-pneu\n{{unsubscribeUrl}}',
            },
            { language: 'en', subject: 'Winter tyres for {{firstName}}', text: 'Hello {{firstName}}, time for winter tyres. {{unsubscribeUrl}}' },
          ],
        },
      },
    );
    const change = async (status: string) => {
      const { campaign } = await gql<{ campaign: { version: number } }>('query($id: ID!) { campaign(id: $id) { version } }', { id: createCampaign.id });
      await gql(
        'mutation($id: ID!, $version: Int!, $status: CampaignStatus!) { changeCampaignStatus(id: $id, version: $version, input: { status: $status }) { status } }',
        {
          id: createCampaign.id,
          version: campaign.version,
          status,
        },
      );
    };
    await change('SCHEDULED');
    await change('RUNNING');

    // Marketing stops while the campaign is being sent, and starts again on the same database.
    await eventually(() => Promise.resolve(expect(mails.length).toBeGreaterThanOrEqual(20)), 60_000);
    await platform.stopSubgraph('marketing');
    const sentBeforeRestart = mails.length;
    await platform.restartSubgraph('marketing');

    type Progress = { status: string; progress: Record<string, number>; metrics: { sent: number } };
    const progress = async () =>
      (
        await gql<{ campaign: Progress }>(
          'query($id: ID!) { campaign(id: $id) { status progress { audience queued sending sent delivered bounced suppressed failed } metrics { sent } } }',
          { id: createCampaign.id },
        )
      ).campaign;
    const done = await eventually(async () => {
      const now = await progress();
      expect(now.progress).toMatchObject({ queued: 0, sending: 0 });
      return now;
    }, 120_000);
    expect(done.progress).toMatchObject({ audience: MEMBERS, sent: CONSENTING, suppressed: MEMBERS - CONSENTING, failed: 0, bounced: 0 });
    expect(done.metrics.sent).toBe(CONSENTING);
    // The restart really was mid-send: some had gone, the rest went after it.
    expect(sentBeforeRestart).toBeLessThan(CONSENTING);

    // Exactly once to each consenting member, nobody else, each message its own Message-ID.
    const consenting = people
      .filter((p) => p.consenting)
      .map((p) => p.email)
      .sort();
    const received = mails.flatMap((mail) => mail.to).filter((to) => to.includes('@example.com') && to.startsWith('member'));
    expect(received.sort()).toEqual(consenting);
    expect(new Set(mails.map((mail) => mail.messageId)).size).toBe(mails.length);
    const first = mails.find((mail) => mail.to[0] === people[0]!.email)!;
    const unsubscribe = /^<(.+)>$/.exec(mailHeader(first.raw, 'List-Unsubscribe'))?.[1];
    expect(unsubscribe).toContain('/public/marketing/unsubscribe/');

    // The link, through the gateway: opening it only asks; the button (or one-click POST) withdraws the consent in identity.
    const link = unsubscribe!.replace('http://localhost:4000', new URL(platform.gatewayUrl).origin);
    const asked = await fetch(link);
    expect([asked.status, await asked.text()]).toEqual([200, expect.stringContaining('<form method="post">')]);
    const consentOf = async () =>
      (
        await gql<{ customer: { consents: Array<{ purpose: string; channel: string; status: string }> } }>(
          'query($id: ID!) { customer(id: $id) { consents { purpose channel status } } }',
          { id: people[0]!.id },
        )
      ).customer.consents.find((c) => c.purpose === 'MARKETING' && c.channel === 'EMAIL')?.status;
    expect(await consentOf()).toBe('GRANTED');
    const confirmed = await fetch(link, { method: 'POST' });
    expect(confirmed.status).toBe(200);
    expect(await consentOf()).toBe('WITHDRAWN');
    // The link again (a replay, a mail client's second one-click POST): the same page, no second withdrawal recorded.
    for (let again = 0; again < 2; again++) expect((await fetch(link, { method: 'POST' })).status).toBe(200);
    const { customer: withdrawn } = await gql<{ customer: { consentHistory: { edges: Array<{ node: { source: string | null } }> } } }>(
      'query($id: ID!) { customer(id: $id) { consentHistory(first: 50) { edges { node { source } } } } }',
      { id: people[0]!.id },
    );
    expect(withdrawn.consentHistory.edges.filter((edge) => edge.node.source === 'unsubscribe-link')).toHaveLength(1);
    // Granted again since (here by the dealer): the same link withdraws again.
    await gql('mutation($input: RecordConsentInput!) { recordConsent(input: $input) { status } }', {
      input: { customerId: people[0]!.id, purpose: 'MARKETING', channel: 'EMAIL', status: 'GRANTED', source: 'phone-call', textVersion: 'v1' },
    });
    await eventually(async () => {
      const [state] = await marketingDb().execute<Array<{ granted: boolean }>>(
        `select granted from consent_state where customer_id = ? and purpose = 'MARKETING' and channel = 'EMAIL'`,
        [people[0]!.id],
      );
      expect(state?.granted).toBe(true);
    });
    expect((await fetch(link, { method: 'POST' })).status).toBe(200);
    expect(await consentOf()).toBe('WITHDRAWN');
    expect((await fetch(link.replace(/\/unsubscribe\/.+$/, '/unsubscribe/forged.token.here'))).status).toBe(404);

    // The campaign's link is tracked: the click is counted, and the browser goes where the text said.
    const tracked = /http\S+\/public\/marketing\/click\/\S+/.exec(mailText(first.raw))?.[0];
    expect(tracked).toBeDefined();
    const click = await fetch(tracked!.replace('http://localhost:4000', new URL(platform.gatewayUrl).origin), { redirect: 'manual' });
    expect([click.status, click.headers.get('location')]).toEqual([302, 'https://dealer.example.cz/zimni-pneu']);
    const metrics = async () =>
      (
        await gql<{ campaign: { metrics: { clicked: number; unsubscribed: number } } }>(
          'query($id: ID!) { campaign(id: $id) { metrics { clicked unsubscribed } } }',
          { id: createCampaign.id },
        )
      ).campaign.metrics;
    expect(await metrics()).toEqual({ clicked: 1, unsubscribed: 1 });

    // The campaigns' clock (a cron job each minute) completes it once every message has its outcome; run it now.
    await marketingDb().execute("select graphile_worker.add_job('campaigns', '{}'::json)");
    await eventually(async () => expect((await progress()).status).toBe('COMPLETED'), 30_000);
  }, 300_000);
});
