import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { BusEvent, EventBus } from '@crm/kit/bus/index.js';
import type { Clock } from '@crm/kit/clock.js';
import { SUBGRAPHS, type SubgraphName } from '@crm/kit/config.js';
import type { ConsumerStatus } from '@crm/kit/consumer.js';
import { pgArray } from '@crm/kit/sql.js';
import { startSubgraph, type PlatformAdapters, type RunningSubgraph } from '@crm/kit/subgraph.js';
import { subgraphs } from '../scripts/subgraphs.js';
import {
  CreateActivityDocument,
  CreateOpportunityDocument,
  CreatePipelineDocument,
  MoveOpportunityDocument,
  OpenCaseDocument,
  SubmitWebFormDocument,
  type WebFormInput,
} from './generated/graphql.js';
import { executeOk } from './helpers/graphql.js';
import { eventually } from './helpers/eventually.js';
import { startPlatform, type Platform } from './helpers/platform.js';

// Issue 11.3: every service runs as N replicas. Two instances of each of the four subgraphs on the same databases
// (each set with its own bus client, as separate processes would have) and two gateways, one in front of each
// set. A burst of traffic through both gateways, then the periodic jobs' work falling due at once on both instances:
// every outbox event reaches the bus exactly once, handed to it by one relay only, in commit order; every automation
// acts once per trigger; every due item is flagged once. What coordinates them: the relay's advisory lock
// (kit/outbox-relay.ts); the consumers' processed_event key, inserted in the effect's transaction, so the other
// instance waits on it and then finds it taken (kit/consumer.ts); the jobs' `for update skip locked` claims (sales
// activity.due.ts, service sla-risk.service.ts). Each of these removed makes this test fail.

const DAY = 24 * 3600_000;
// Both instances of each job tick every 50 ms, so they keep racing for the same rows.
process.env.ACTIVITY_DUE_CHECK_INTERVAL_MS = '50';
process.env.SLA_CHECK_INTERVAL_MS = '50';
// The whole of each deadline: once service's clock reads the real time, both deadlines of every open case (STANDARD,
// NORMAL: 8 hours and 3 days) are at risk.
process.env.SLA_AT_RISK_FRACTION = '1';

const FORMS = 24;
const OPPORTUNITIES = 10;
const ACTIVITIES = 40;
const CASES = 20;
const CONCURRENCY = 6;

/** The time a subgraph's jobs read (PlatformAdapters.clock): the test moves it, so their work falls due all at once. */
class MovableClock implements Clock {
  constructor(public offsetMs: number) {}
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
}
// Until the test moves them: no activity has fallen due, and no case deadline is within the at-risk window.
const salesClock = new MovableClock(0);
const serviceClock = new MovableClock(-30 * DAY);

type Pair = [RunningSubgraph, RunningSubgraph];
let platform: Platform;
const replicas = {} as Record<SubgraphName, Pair>;
/** One bus client per set of replicas: the first set shares the platform's (with the gateways), the second has its own. */
let buses: EventBus[] = [];
/** The gateway in front of each set of replicas. */
let gateways: string[] = [];
/** What the platform's first instances had relayed before they made way for the replicas. */
let relayedBefore = new Set<string>();
/** How many times any relay handed each event (by id) to the bus, and how many batches each set's relays sent. */
const handedToBus = new Map<string, number>();
const batchesBy = [0, 0];

/** A replica's view of its bus: the same connection, recording what its relay publishes. */
const recording = (bus: EventBus, replica: number): EventBus => ({
  ...bus,
  async publish(stream, events, checkpoint) {
    await bus.publish(stream, events, checkpoint);
    if (events.length > 0) batchesBy[replica]!++;
    for (const event of events) handedToBus.set(event.id, (handedToBus.get(event.id) ?? 0) + 1);
  },
});

beforeAll(async () => {
  platform = await startPlatform();
  // The platform's single instances make way for two of each on the same databases; the first of each takes over
  // its port (behind the platform's gateway), the second gets a new one (behind a second gateway).
  const places = Object.fromEntries(
    SUBGRAPHS.map((name) => [
      name,
      { databaseUrl: String(platform.subgraphs[name].orm.config.get('clientUrl')), port: Number(new URL(platform.subgraphs[name].url).port) },
    ]),
  ) as Record<SubgraphName, { databaseUrl: string; port: number }>;
  await Promise.all(SUBGRAPHS.map((name) => platform.stopSubgraph(name)));
  relayedBefore = new Set((await busEvents()).map((event) => event.id));
  buses = [platform.bus, await platform.connectBus()];
  const adapters: Record<SubgraphName, object> = {
    identity: {},
    sales: { clock: salesClock },
    marketing: { outbound: platform.outbound },
    service: { clock: serviceClock },
  };
  const start = (name: SubgraphName, replica: 0 | 1) =>
    startSubgraph(subgraphs[name], {
      // Marketing's e-mails of both instances go to one recording channel (as to one mail server).
      adapters: adapters[name] as Partial<PlatformAdapters>,
      databaseUrl: places[name].databaseUrl,
      port: replica === 0 ? places[name].port : 0,
      seed: false,
      bus: recording(buses[replica]!, replica),
      subgraphUrl: (other) => replicas[other][replica].url,
    });
  await Promise.all(
    SUBGRAPHS.map(async (name) => {
      replicas[name] = await Promise.all([start(name, 0), start(name, 1)]);
    }),
  );
  const second = await platform.startGateway({ subgraphUrls: Object.fromEntries(SUBGRAPHS.map((name) => [name, replicas[name][1].url])) });
  gateways = [platform.gatewayUrl, second.url];
}, 120_000);

afterAll(async () => {
  await Promise.all(SUBGRAPHS.flatMap((name) => (replicas[name] ?? []).map((replica) => replica.stop())));
  await buses[1]?.close();
  await platform?.stop();
});

/** Runs task(0..count-1), at most CONCURRENCY at a time. */
async function inParallel<T>(count: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        const index = next++;
        results[index] = await task(index);
      }
    }),
  );
  return results;
}

/** Request i goes through gateway i mod 2, so to the first or the second instance of every subgraph. */
const gateway = (index: number) => gateways[index % 2]!;

const sql = async <T extends object>(name: SubgraphName, query: string, params: unknown[] = []): Promise<T[]> =>
  replicas[name][0].orm.em.fork().getConnection().execute<T[]>(query, params);

/**
 * Each of `expected` occurs exactly once in `found` (none missing, none twice), and nothing else occurs; a failure
 * lists the offenders under `what`.
 */
function expectOnceEach(what: string, found: string[], expected: string[]): void {
  const counts = new Map<string, number>();
  for (const key of found) counts.set(key, (counts.get(key) ?? 0) + 1);
  const wanted = new Set(expected);
  const offenders = [...new Set([...expected, ...found])].filter((key) => counts.get(key) !== 1 || !wanted.has(key));
  expect({ [what]: offenders.map((key) => `${key} ×${counts.get(key) ?? 0}`) }).toEqual({ [what]: [] });
}

async function busEvents(): Promise<BusEvent[]> {
  const events: BusEvent[] = [];
  for (let cursor: string | null = null; ;) {
    const page = await platform.bus.read(cursor, 500);
    events.push(...page);
    if (page.length < 500) return events;
    cursor = page.at(-1)!.cursor;
  }
}

/**
 * Waits until the platform is quiet: every consumer of every replica has read to the bus head, then (read after
 * them, so an event their last effects recorded is seen) every subgraph's outbox is on the bus and the head has not
 * moved. From then on no automation can act again. Returns the bus's events.
 */
async function settled(): Promise<BusEvent[]> {
  return eventually(async () => {
    const head = await platform.bus.head();
    for (const name of SUBGRAPHS) {
      for (const [replica, running] of replicas[name].entries()) {
        const { consumers } = (await running.health.ready()).checks.consumers as unknown as { consumers: ConsumerStatus[] };
        expect(consumers.filter((c) => c.cursor !== head).map((c) => `${name} #${replica} ${c.consumer} at ${c.cursor}, head ${head}`)).toEqual([]);
      }
    }
    const events = await busEvents();
    expect(events.at(-1)?.cursor ?? null).toBe(head);
    const onBus = new Set(events.map((event) => event.id));
    for (const name of SUBGRAPHS) {
      const outbox = await sql<{ id: string; type: string }>(name, 'select id, type from outbox_event');
      expect(outbox.filter((row) => !onBus.has(row.id)).map((row) => `${name} ${row.type} ${row.id}`)).toEqual([]);
    }
    return events;
  }, 60_000);
}

const run = randomUUID().slice(0, 8);
let leads: Array<{ id: string; email: string }> = [];
let customerIds: string[] = [];
let opportunityIds: string[] = [];
let caseIds: string[] = [];

describe('two replicas of every service on one database', () => {
  it('run every automation once per trigger under a burst through both gateways', async () => {
    const appointment = new Date(Date.now() + 3 * DAY);
    const form = (i: number): WebFormInput => ({
      formKey: platform.webFormKey,
      submissionId: `replicas-${run}-${i}`,
      firstName: 'Replika',
      lastName: `Dvojitá ${i}`,
      email: `replika.${run}.${i}@example.cz`,
      deviceIds: [],
      consents: [{ purpose: 'MARKETING', channel: 'EMAIL', granted: true, textVersion: 'v3' }],
      requestedAppointment: appointment.toISOString(),
      region: `Replicas ${run}`,
      pageUrl: 'https://dealer.example.cz/kodiaq/test-drive',
    });
    leads = await inParallel(FORMS, async (i) => {
      const { submitWebForm } = await executeOk(gateway(i), SubmitWebFormDocument, { input: form(i) });
      return { id: submitWebForm.id, email: form(i).email! };
    });
    const leadIds = leads.map((lead) => lead.id);

    // identity resolves each sender, sales links, routes and tasks each lead (Story 1's automations).
    customerIds = await eventually(async () => {
      const rows = await sql<{ customer_id: string | null; tasks: number }>(
        'sales',
        `select l.customer_id, (select count(*) from sales_activity a where a.lead_id = l.id)::int as tasks from sales_lead l where l.id = any(?::uuid[])`,
        [pgArray(leadIds)],
      );
      expect(rows.filter((row) => row.customer_id !== null && row.tasks > 0)).toHaveLength(FORMS);
      return rows.map((row) => row.customer_id!);
    }, 30_000);

    // A first offer on each of some deals: sales plans one call each, marketing enrols the customer.
    const { createPipeline: pipeline } = await executeOk(gateways[0]!, CreatePipelineDocument, {
      input: {
        name: `Replicas ${run}`,
        stages: [
          { name: 'Inquiry', probability: 10, marker: 'NEW_INQUIRY' },
          { name: 'Offer sent', probability: 50, marker: 'FIRST_OFFER_SENT' },
        ],
      },
    });
    const offerStage = pipeline.stages.find((stage) => stage.marker === 'FIRST_OFFER_SENT')!;
    opportunityIds = await inParallel(OPPORTUNITIES, async (i) => {
      const { createOpportunity } = await executeOk(gateway(i), CreateOpportunityDocument, {
        input: { customerId: customerIds[i]!, pipelineId: pipeline.id, title: `Deal ${i}`, amount: { amount: '500000.00', currency: 'CZK' } },
      });
      // Moved through the other gateway: the other instance of sales.
      await executeOk(gateway(i + 1), MoveOpportunityDocument, { id: createOpportunity.id, version: createOpportunity.version, stageId: offerStage.id });
      return createOpportunity.id;
    });
    // More work for the jobs: activities by hand, and cases with SLA deadlines.
    await inParallel(ACTIVITIES, (i) =>
      executeOk(gateway(i), CreateActivityDocument, {
        input: { type: 'TASK', subject: `Prepare the car ${i}`, customerId: customerIds[i % FORMS]!, dueAt: new Date(Date.now() + DAY).toISOString() },
      }),
    );
    caseIds = await inParallel(CASES, async (i) => {
      const { openCase } = await executeOk(gateway(i), OpenCaseDocument, {
        input: { customerId: customerIds[i % FORMS]!, subject: `Noise in the back ${i}`, channel: 'EMAIL', priority: 'NORMAL', category: 'TECHNICAL' },
      });
      return openCase.id;
    });

    await settled();

    // identity: each form resolved once.
    const resolved = await sql<{ lead: string }>('identity', `select payload->>'leadId' as lead from outbox_event where type = 'CustomerResolved'`);
    expectOnceEach(
      'CustomerResolved per lead',
      resolved.map((row) => row.lead),
      leadIds,
    );
    // sales: one follow-up task per lead, one call per first offer.
    const tasks = await sql<{ lead: string }>('sales', `select lead_id as lead from sales_activity where lead_id = any(?::uuid[])`, [pgArray(leadIds)]);
    expectOnceEach(
      'follow-up tasks per lead',
      tasks.map((row) => row.lead),
      leadIds,
    );
    const calls = await sql<{ opportunity: string }>('sales', `select opportunity_id as opportunity from sales_activity where type = 'CALL'`);
    expectOnceEach(
      'calls per first offer',
      calls.map((row) => row.opportunity),
      opportunityIds,
    );
    // marketing: one confirmation e-mail per form (sent, and recorded as sent), the form once on each timeline,
    // one enrolment in each sequence.
    const emails = leads.map((lead) => lead.email);
    // Each message handed to the provider once per form: the confirmation and the welcome sequence's first e-mail.
    // Sent by either replica's job runner, so waited for.
    await eventually(async () => {
      for (const template of ['appointment-confirmation', 'welcome-from-your-dealer']) {
        const ids = new Set(
          (await sql<{ id: string }>('marketing', `select id from message_send where template = '${template}' and status = 'SENT'`)).map((row) => row.id),
        );
        expectOnceEach(
          `${template} e-mails sent per form`,
          platform.outbound.sent
            .filter((message) => ids.has(message.idempotencyKey))
            .map((message) => message.to)
            .filter((to) => emails.includes(to)),
          emails,
        );
      }
    }, 60_000);
    const sends = await sql<{ customer: string }>('marketing', `select customer_id as customer from message_send where template = 'appointment-confirmation'`);
    expectOnceEach(
      'confirmations recorded per customer',
      sends.map((row) => row.customer),
      customerIds,
    );
    const formsOnTimeline = await sql<{ customer: string }>('marketing', `select customer_id as customer from interaction where type = 'FORM_SUBMIT'`);
    expectOnceEach(
      'forms on each timeline',
      formsOnTimeline.map((row) => row.customer),
      customerIds,
    );
    const enrolments = await sql<{ key: string }>(
      'marketing',
      `select e.customer_id || ' ' || s.name as key from sequence_enrolment e join marketing_sequence s on s.id = e.sequence_id`,
    );
    const sequences = [
      ...customerIds.map((id) => `${id} Introduce the dealer`),
      ...customerIds.slice(0, OPPORTUNITIES).map((id) => `${id} After the first offer`),
    ];
    expectOnceEach(
      'enrolments per customer and sequence',
      enrolments.map((row) => row.key),
      sequences,
    );
  }, 120_000);

  it('flag each activity that falls due, and each case deadline at risk, once, with both instances of each job ticking', async () => {
    // Every activity falls due at once for both instances of sales' job, every case deadline comes within the
    // at-risk window at once for both instances of service's.
    salesClock.offsetMs = 30 * DAY;
    serviceClock.offsetMs = 0;
    await eventually(async () => {
      const [activities] = await sql<{ waiting: number }>('sales', `select count(*)::int as waiting from sales_activity where due_notified_at is null`);
      const [cases] = await sql<{ waiting: number }>(
        'service',
        `select count(*)::int as waiting from support_case where first_response_at_risk_notified_at is null or resolution_at_risk_notified_at is null`,
      );
      expect({ activities: activities!.waiting, cases: cases!.waiting }).toEqual({ activities: 0, cases: 0 });
    }, 30_000);
    await settled();

    const activityIds = (await sql<{ id: string }>('sales', 'select id from sales_activity')).map((row) => row.id);
    expect(activityIds).toHaveLength(FORMS + OPPORTUNITIES + ACTIVITIES);
    const due = await sql<{ activity: string }>('sales', `select aggregate_id as activity from outbox_event where type = 'ActivityDue'`);
    expectOnceEach(
      'ActivityDue per activity',
      due.map((row) => row.activity),
      activityIds,
    );
    const atRisk = await sql<{ key: string }>(
      'service',
      `select aggregate_id || ' ' || (payload->>'deadline') as key from outbox_event where type = 'CaseSlaAtRisk'`,
    );
    const deadlines = caseIds.flatMap((id) => [`${id} FIRST_RESPONSE`, `${id} RESOLUTION`]);
    expectOnceEach(
      'CaseSlaAtRisk per case deadline',
      atRisk.map((row) => row.key),
      deadlines,
    );
  }, 90_000);

  it('put every outbox event on the bus exactly once, through one relay, in commit order', async () => {
    const events = await settled();
    expect(new Set(events.map((event) => event.id)).size).toBe(events.length);
    for (const name of SUBGRAPHS) {
      const outbox = await sql<{ id: string }>(name, 'select e.id from outbox_commit_order o join outbox_event e on e.position = o.position order by o.seq');
      // The stream's events on the bus are its outbox in commit order: so each aggregate's events are in order.
      expect(events.filter((event) => event.stream === name).map((event) => event.id)).toEqual(outbox.map((row) => row.id));
      // Handed to the bus once: by the platform's first instances before the replicas started, or by one relay after.
      const timesHanded = (id: string) => (relayedBefore.has(id) ? 1 : 0) + (handedToBus.get(id) ?? 0);
      expect(outbox.filter((row) => timesHanded(row.id) !== 1).map((row) => `${name} ${row.id} ×${timesHanded(row.id)}`)).toEqual([]);
    }
    // Both sets' relays took their turns: the work was shared, not left to one instance.
    expect(batchesBy.every((batches) => batches > 0)).toBe(true);
  });
});
