import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually } from './helpers/eventually.js';
import { queryOk } from './helpers/graphql.js';
import { startPlatform, type Platform } from './helpers/platform.js';
import { startTestSmtp, type TestSmtp } from './helpers/smtp.js';

// Issue 12, point 3 (proof): the welcome sequence sends its steps on time, by a clock the test controls, through a
// real SMTP server, and stops when the customer withdraws marketing consent.

const HOUR = 3_600_000;
let platform: Platform;
const gql = <T>(query: string, variables?: Record<string, unknown>) => queryOk<T>(platform.gatewayUrl, query, variables);
let smtp: TestSmtp;
let offsetMs = 0;
/** Marketing's clock: real time plus what the test has moved it on by. */
const clock = { now: () => new Date(Date.now() + offsetMs) };

beforeAll(async () => {
  smtp = await startTestSmtp();
  process.env.QUIET_HOURS = 'off';
  platform = await startPlatform({ marketing: { outbound: smtp.channel, clock } });
}, 120_000);

afterAll(async () => {
  await platform?.stop();
  await smtp?.stop();
  delete process.env.QUIET_HOURS;
});

const marketingDb = () => platform.subgraphs.marketing.orm.em.fork();

/** Moves the clock on and runs the sequences' due steps now (the cron job would at the next minute); waits until it ran. */
async function advanceAndRunSteps(hours: number): Promise<void> {
  offsetMs += hours * HOUR;
  await marketingDb().execute("select graphile_worker.add_job('sequence-steps', '{}'::json, job_key => 'test-sequence-steps')");
  await eventually(async () => {
    const [row] = await marketingDb().execute<Array<{ n: string }>>("select count(*) as n from graphile_worker.jobs where task_identifier = 'sequence-steps'");
    expect(Number(row!.n)).toBe(0);
  });
  // Every message it queued has its outcome.
  await eventually(async () => {
    const [row] = await marketingDb().execute<Array<{ n: string }>>("select count(*) as n from message_send where status in ('QUEUED', 'SENDING')");
    expect(Number(row!.n)).toBe(0);
  });
}

describe('the welcome sequence runs on its schedule (issue 12, point 3)', () => {
  it('sends step 1 at once, step 2 after 48 hours and not before, and nothing after consent is withdrawn', async () => {
    const email = `eva.${randomUUID().slice(0, 8)}@example.cz`;
    await gql('mutation($input: WebFormInput!) { submitWebForm(input: $input) { id } }', {
      input: {
        formKey: platform.webFormKey,
        submissionId: `sequence-${randomUUID()}`,
        firstName: 'Eva',
        lastName: 'Svobodová',
        email,
        consents: [{ purpose: 'MARKETING', channel: 'EMAIL', granted: true, textVersion: 'marketing-email-v3' }],
        interest: { model: 'Octavia Combi' },
        region: 'Praha',
      },
    });

    // Step 1 (delay 0) goes right after the enrolment, in Czech (the dealer's language), with the model she asked about.
    const welcome = await eventually(() => {
      const found = smtp.to(email).find((mail) => mail.subject.startsWith('Vítejte'));
      expect(found).toBeDefined();
      return Promise.resolve(found!);
    }, 30_000);
    expect(welcome.raw).toContain('Octavia Combi');
    const sentAfterStep1 = smtp.to(email).length;

    // 47 hours on: step 2 is not due yet.
    await advanceAndRunSteps(47);
    expect(smtp.to(email)).toHaveLength(sentAfterStep1);

    // 49 hours on: step 2 ("meet your sales rep") goes.
    await advanceAndRunSteps(2);
    await eventually(() => Promise.resolve(expect(smtp.to(email)).toHaveLength(sentAfterStep1 + 1)));
    const customerId = await eventually(async () => {
      const [row] = await marketingDb().execute<Array<{ customer_id: string }>>(
        "select customer_id from message_send where recipient = ? and template = 'meet-your-sales-rep' and status = 'SENT'",
        [email],
      );
      expect(row).toBeDefined();
      return row!.customer_id;
    });

    // She withdraws marketing e-mail consent: the enrolment ends, step 3 never goes.
    await gql('mutation($input: RecordConsentInput!) { recordConsent(input: $input) { status } }', {
      input: { customerId, purpose: 'MARKETING', channel: 'EMAIL', status: 'WITHDRAWN', source: 'phone call', textVersion: 'v1' },
    });
    const ended = await eventually(async () => {
      const { customer } = await gql<{ customer: { sequenceEnrolments: { edges: Array<{ node: { status: string; exitReason: string | null } }> } } }>(
        'query($id: ID!) { customer(id: $id) { sequenceEnrolments(first: 5) { edges { node { status exitReason } } } } }',
        { id: customerId },
      );
      const [enrolment] = customer.sequenceEnrolments.edges.map((e) => e.node);
      expect(enrolment?.status).toBe('EXITED');
      return enrolment!;
    });
    expect(ended.exitReason).toBe('marketing consent withdrawn');
    await advanceAndRunSteps(200);
    expect(smtp.to(email)).toHaveLength(sentAfterStep1 + 1);
  }, 180_000);
});
