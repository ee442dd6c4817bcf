import { randomUUID } from 'node:crypto';
import { describe, expect, it, jest } from '@jest/globals';
import { caseSnapshot, catalogEvent, quoteSent, quoteSnapshot } from '../../../tests/helpers/events.js';
import { deliver, outboxOf, refusal } from '../../../tests/helpers/integration.js';
import { InteractionChannel as C, InteractionType as T } from '../src/modules/interaction/interaction.entity.js';
import { timelineHandler } from '../src/modules/interaction/interaction.handlers.js';
import type { InteractionFilter, RecordInteractionInput } from '../src/modules/interaction/interaction.inputs.js';
import { anonymousInteractionsPage, timelineCounts, timelinePages } from '../src/modules/interaction/interaction.queries.js';
import { linkAnonymousInteractions, recordInteraction, recordInteractions } from '../src/modules/interaction/interaction.service.js';
import { useFreshMarketingDatabase } from './database.js';

// Interactions on marketing's own database: partners' batches, anonymous devices joining a customer, the timeline's
// filters, and the other domains' events that become timeline entries. Through the gateway (Customer.interactions):
// tests/marketing-customer.e2e.test.ts.

const { orm, em } = useFreshMarketingDatabase();

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);

async function outboxCount(type: string): Promise<number> {
  const [row] = await em().execute<Array<{ total: string }>>('select count(*) as total from outbox_event where type = ?', [type]);
  return Number(row?.total);
}

/** The statements `run` sends to the database (as the connection logs them, also those with bound values), and its result. */
async function statementsOf<R>(run: () => Promise<R>): Promise<{ result: R; statements: string[] }> {
  const spy = jest.spyOn(orm().em.getConnection() as unknown as { logQuery(query: string): void }, 'logQuery');
  try {
    const result = await run();
    return { result, statements: spy.mock.calls.map(([query]) => String(query)) };
  } finally {
    spy.mockRestore();
  }
}

const timeline = async (customerId: string, filter: InteractionFilter | null = null) =>
  (await timelinePages(em(), [customerId], filter, { first: 500 }))[0]!.edges.map((e) => e.node);

const pageView = (customerId: string, url: string, age: number): RecordInteractionInput => ({
  customerId,
  channel: C.WEB,
  type: T.PAGE_VIEW,
  occurredAt: daysAgo(age),
  sourceSystem: 'website',
  properties: { url },
});

describe('bulk interactions from partners', () => {
  it('records hundreds of events in one statement and a retried batch inserts nothing twice', async () => {
    const customerId = randomUUID();
    const batch: RecordInteractionInput[] = Array.from({ length: 400 }, (_, i) => ({
      ...pageView(customerId, `/page/${i}`, 1),
      sourceSystem: 'web-form-vendor',
      externalEventId: `evt-${customerId}-${i}`,
    }));
    const eventsBefore = await outboxCount('InteractionRecorded');
    const { result: first, statements } = await statementsOf(() => recordInteractions(em(), batch));
    expect(first).toMatchObject({ accepted: 400, duplicates: 0 });
    expect(new Set(first.ids).size).toBe(400);
    expect(statements.filter((s) => /insert into "?interaction"?\s/i.test(s))).toHaveLength(1);
    // Their events too: one outbox statement for the batch, in input order, not one entity each.
    expect(statements.filter((s) => /insert into "?outbox_event"?\s/i.test(s))).toHaveLength(1);
    expect(await outboxCount('InteractionRecorded')).toBe(eventsBefore + 400);
    const written = await em()
      .getConnection()
      .execute<Array<{ aggregate_id: string }>>(
        `select aggregate_id from outbox_event where type = 'InteractionRecorded' and payload->>'customerId' = ? order by position`,
        [customerId],
      );
    expect(written.map((row) => row.aggregate_id)).toEqual(first.ids);

    const fresh = { ...pageView(customerId, '/new', 1), sourceSystem: 'web-form-vendor', externalEventId: `evt-${customerId}-new` };
    const retry = await recordInteractions(em(), [...batch.slice(0, 300), fresh]);
    expect(retry).toMatchObject({ accepted: 1, duplicates: 300 });
    expect(retry.ids.slice(0, 300)).toEqual(first.ids.slice(0, 300));
    expect(await outboxCount('InteractionRecorded')).toBe(eventsBefore + 401);
    expect(await timelineCounts(em(), [customerId], null)).toEqual([401]);
    // The single mutation is idempotent by the same key.
    expect((await recordInteraction(em(), batch[0]!)).id).toBe(first.ids[0]);
  });

  it('rejects an empty or oversized batch', async () => {
    expect((await refusal(recordInteractions(em(), []))).code).toBe('BAD_USER_INPUT');
    const item = { anonymousId: 'oversize', channel: C.WEB, type: T.PAGE_VIEW };
    const oversized = await refusal(
      recordInteractions(
        em(),
        Array.from({ length: 1001 }, () => item),
      ),
    );
    expect(oversized.code).toBe('BAD_USER_INPUT');
    expect(oversized.message).toContain('at most 1000');
  });

  it('writes nothing when one item is invalid and names that item', async () => {
    const device = `device-${randomUUID()}`;
    const result = await refusal(
      recordInteractions(em(), [
        { anonymousId: device, channel: C.WEB, type: T.PAGE_VIEW },
        { anonymousId: device, channel: C.WEB, type: T.PAGE_VIEW },
        { customerId: 'not-a-uuid', channel: C.WEB, type: T.PAGE_VIEW },
      ]),
    );
    expect(result.code).toBe('BAD_USER_INPUT');
    expect(result.message).toContain('item 2 (customerId): ');
    expect(result.extensions).toMatchObject({ field: 'input', items: [{ index: 2, field: 'customerId' }] });
    expect(await (await anonymousInteractionsPage(em(), device, { first: 10 })).count()).toBe(0);
  });

  it('names every item whose text is too long (a batch is not checked by the input decorators)', async () => {
    const device = `device-${randomUUID()}`;
    const result = await refusal(
      recordInteractions(em(), [
        { anonymousId: device, channel: C.WEB, type: T.PAGE_VIEW },
        { anonymousId: 'd'.repeat(201), channel: C.WEB, type: T.PAGE_VIEW },
        { anonymousId: device, channel: C.WEB, type: T.PAGE_VIEW, sourceSystem: 'web', externalEventId: 'e'.repeat(201) },
      ]),
    );
    expect(result.code).toBe('BAD_USER_INPUT');
    expect(result.extensions).toMatchObject({
      field: 'input',
      items: [
        { index: 1, field: 'anonymousId', message: 'anonymousId must be at most 200 characters long' },
        { index: 2, field: 'externalEventId', message: 'externalEventId must be at most 200 characters long' },
      ],
    });
    expect(await (await anonymousInteractionsPage(em(), device, { first: 10 })).count()).toBe(0);
  });
});

describe('the customer timeline', () => {
  it("links a device's anonymous interactions to the customer and filters the timeline", async () => {
    const device = `device-${randomUUID()}`;
    await recordInteractions(em(), [
      { anonymousId: device, channel: C.WEB, type: T.PAGE_VIEW, occurredAt: daysAgo(9), properties: { url: '/models/suv' } },
      { anonymousId: device, channel: C.APP, type: T.SEARCH, occurredAt: daysAgo(8), properties: { query: '7 seats' } },
    ]);
    const customerId = randomUUID();
    await recordInteraction(em(), { customerId, channel: C.PHONE, type: T.CALL, occurredAt: daysAgo(2) });

    expect(await linkAnonymousInteractions(em(), device, customerId)).toBe(2);
    expect(await linkAnonymousInteractions(em(), device, customerId)).toBe(0);
    const linked = (await outboxOf(orm(), customerId)).filter((e) => e.type === 'AnonymousInteractionsLinked');
    expect(linked.map((e) => e.payload)).toEqual([expect.objectContaining({ customerId, anonymousId: device })]);

    expect((await timeline(customerId)).map((i) => i.type)).toEqual(['CALL', 'SEARCH', 'PAGE_VIEW']);
    expect((await timeline(customerId, { channels: [C.WEB, C.APP], types: [T.SEARCH] })).map((i) => i.type)).toEqual(['SEARCH']);
    expect((await timeline(customerId, { since: daysAgo(8.5), until: daysAgo(1) })).map((i) => i.type)).toEqual(['CALL', 'SEARCH']);
    expect((await refusal(linkAnonymousInteractions(em(), device, 'nope'))).code).toBe('BAD_USER_INPUT');
  });
});

describe("other domains' events on the timeline (Story 1, steps 5 and 8)", () => {
  it('records calls, meetings, quotes and case messages once each, under the bus event id', async () => {
    const customerId = randomUUID();
    const activity = (kind: string, of = customerId) => {
      const activityId = randomUUID();
      return catalogEvent('ActivityCreated', activityId, {
        activityId,
        kind,
        type: kind,
        customerId: of,
        leadId: null,
        opportunityId: null,
        ownerId: randomUUID(),
        subject: `${kind} about the SUV`,
        dueAt: null,
        reminderAt: null,
        occurredAt: '2026-11-14T09:00:00.000Z',
        completedAt: null,
      });
    };
    const quoteId = randomUUID();
    const quote = quoteSnapshot({ quoteId, customerId, products: [{ productId: randomUUID(), name: 'Family SUV', category: 'SUV' }] });
    const caseId = randomUUID();
    const message = (body: string) => ({
      ...caseSnapshot({ caseId, customerId, channel: 'PHONE' }),
      messageId: randomUUID(),
      messageChannel: 'CHAT',
      direction: 'INBOUND',
      body,
      sentAt: new Date().toISOString(),
      changedFields: [],
    });
    const call = activity('CALL');
    const sent = quoteSent(quote);
    const events = [
      call,
      activity('MEETING'),
      activity('TASK'),
      sent,
      catalogEvent('QuoteViewed', quoteId, { ...quote, viewedAt: new Date().toISOString(), channel: 'EMAIL_LINK' }),
      // An internal note never reaches the customer's timeline.
      catalogEvent('CaseMessageAdded', caseId, { ...message('Customer seems upset'), direction: 'INTERNAL_NOTE' }),
      catalogEvent('CaseMessageAdded', caseId, message('The AC blows warm air')),
    ];
    const handled = [];
    for (const event of events) handled.push(await deliver(orm(), timelineHandler, event));
    expect(handled).toEqual([true, true, false, true, true, false, true]);
    // Delivered again (at least once): nothing new. The call for someone else lands on their timeline only.
    for (const event of [call, sent, activity('CALL', randomUUID())]) await deliver(orm(), timelineHandler, event);

    const expected = [
      { id: events[0]!.id, channel: 'PHONE', type: 'CALL', sourceSystem: 'sales' },
      { id: events[1]!.id, channel: 'IN_STORE', type: 'MEETING', sourceSystem: 'sales' },
      { id: events[3]!.id, channel: 'EMAIL', type: 'QUOTE_SENT', sourceSystem: 'sales' },
      { id: events[4]!.id, channel: 'WEB', type: 'QUOTE_VIEWED', sourceSystem: 'sales' },
      { id: events[6]!.id, channel: 'CHAT', type: 'CASE_MESSAGE', sourceSystem: 'service' },
    ];
    const interactions = await timeline(customerId);
    expect(interactions).toHaveLength(expected.length);
    for (const { id, ...rest } of expected) {
      expect(interactions).toContainEqual(expect.objectContaining({ ...rest, externalEventId: id }));
    }
    // Each names its record, never its content: that is read from its owner, where its permission and row level apply.
    const propertiesOf = (type: string) => interactions.find((i) => i.type === type)!.properties;
    expect(propertiesOf('CASE_MESSAGE')).toEqual({ caseId, messageId: expect.any(String), direction: 'INBOUND' });
    expect(propertiesOf('QUOTE_SENT')).toEqual({ quoteId, opportunityId: quote.opportunityId, ownerId: quote.ownerId });
    expect(propertiesOf('CALL')).toEqual({ activityId: expect.any(String), leadId: null, opportunityId: null, ownerId: expect.any(String) });
    expect(JSON.stringify(interactions.map((i) => i.properties))).not.toMatch(/AC blows|SUV|subject|total|text/);
  });
});

describe('timeline entries recorded before they named records only', () => {
  it('lose the content they copied from sales and service when the migration runs', async () => {
    const migrator = orm().migrator;
    await migrator.down({ to: 'Migration20261205190000_outbox_commit_order_table' });
    const customerId = randomUUID();
    const copied: Array<[string, string, Record<string, unknown>]> = [
      ['CALL', 'sales', { activityId: randomUUID(), subject: 'Financing of the SUV', ownerId: randomUUID() }],
      ['QUOTE_SENT', 'sales', { quoteId: randomUUID(), total: { amount: '799900.00', currency: 'CZK' }, products: ['Family SUV'] }],
      ['CASE_MESSAGE', 'service', { caseId: randomUUID(), direction: 'INBOUND', text: 'The AC blows warm air' }],
      // A partner's own call keeps what the partner wrote.
      ['CALL', 'partner-dms', { subject: 'Logged by the dealer system' }],
    ];
    for (const [type, source, properties] of copied) {
      await em().execute(
        `insert into interaction (id, customer_id, channel, type, occurred_at, source_system, external_event_id, properties, recorded_at)
         values (?, ?, 'PHONE', ?::interaction_type, now(), ?, ?, ?::jsonb, now())`,
        [randomUUID(), customerId, type, source, randomUUID(), JSON.stringify(properties)],
      );
    }
    await migrator.up();
    const rows = await em().execute<Array<{ source_system: string; properties: Record<string, unknown> }>>(
      'select source_system, properties from interaction where customer_id = ? order by source_system, type',
      [customerId],
    );
    expect(rows.map((row) => Object.keys(row.properties).sort())).toEqual([['subject'], ['activityId', 'ownerId'], ['quoteId'], ['caseId', 'direction']]);
  });
});
