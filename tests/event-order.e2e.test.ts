import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CreateCustomerDocument,
  CreateOpportunityDocument,
  CreatePipelineDocument,
  GapsMoveOpportunityDocument,
  GapsOpportunityEventsDocument,
  GapsOpportunityStateDocument,
  GapsUpdateOpportunityTitleDocument,
  type GapsOpportunityEventsSubscription,
} from './generated/graphql.js';
import { errorCodes, execute, executeOk } from './helpers/graphql.js';
import { eventually } from './helpers/eventually.js';
import { startPlatform, type Platform } from './helpers/platform.js';
import { connect, subscribe, type Subscriber } from './helpers/subscriptions.js';

// Order and exactly-once under concurrent writers: many clients change the same opportunities at once through the
// gateway; a graphql-ws subscriber gets one event per successful change (none for a change that lost its race), per
// opportunity in version order with no gap, and a subscriber resuming from a cursor gets exactly the rest, in order.

const OPPORTUNITIES = 20;
const WRITES = 300;
const CONCURRENCY = 30;
const ATTEMPTS = 6;

let platform: Platform;
let url: string;
beforeAll(async () => {
  platform = await startPlatform();
  url = platform.gatewayUrl;
});
afterAll(() => platform.stop());

/** Runs task(0..count-1) with at most `concurrency` at a time. */
async function promisePool<T>(count: number, concurrency: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const index = next++;
        results[index] = await task(index);
      }
    }),
  );
  return results;
}

type EventsResult = Subscriber<GapsOpportunityEventsSubscription>;
const eventsOf = (subscriber: EventsResult) =>
  subscriber.results.map((r) => {
    if (r.errors?.length || !r.data) throw new Error(`The subscription failed: ${JSON.stringify(r.errors)}`);
    return r.data.opportunityChanged.event;
  });

describe('event order under concurrent writers', () => {
  it('delivers every successful change exactly once, per opportunity in version order, and resumes exactly after a cursor', async () => {
    const { createCustomer } = await executeOk(url, CreateCustomerDocument, {
      input: { kind: 'ORGANIZATION', organizationName: `Fleet ${randomUUID().slice(0, 6)}`, emails: [], phones: [] },
    });
    const { createPipeline } = await executeOk(url, CreatePipelineDocument, {
      input: {
        name: `Order ${randomUUID().slice(0, 6)}`,
        // No won or lost stage: every move is one OpportunityStageChanged, and no automation changes the deals.
        stages: [
          { name: 'One', probability: 10 },
          { name: 'Two', probability: 30 },
          { name: 'Three', probability: 50 },
          { name: 'Four', probability: 70 },
        ],
      },
    });
    const stageIds = createPipeline.stages.map((s) => s.id);

    const client = connect(platform.wsUrl);
    const resumeClient = connect(platform.wsUrl);
    try {
      const head = await eventually(async () => {
        const cursor = await platform.bus.head();
        expect(cursor).not.toBeNull();
        return cursor!;
      });
      const live = subscribe(client, GapsOpportunityEventsDocument, { pipelineId: createPipeline.id, after: head });

      const opportunities = await Promise.all(
        Array.from({ length: OPPORTUNITIES }, async (_, i) => {
          const { createOpportunity } = await executeOk(url, CreateOpportunityDocument, {
            input: { customerId: createCustomer.id, pipelineId: createPipeline.id, title: `Deal ${i}`, amount: { amount: '100.00', currency: 'CZK' } },
          });
          return createOpportunity;
        }),
      );
      expect(opportunities.every((o) => o.version === 1)).toBe(true);

      // Each write reads the deal, then changes it with the version it read; one that lost a race (CONFLICT)
      // reads again. A lost race must leave no event behind.
      let conflicts = 0;
      const writes = await promisePool(WRITES, CONCURRENCY, async (k) => {
        const id = opportunities[k % OPPORTUNITIES]!.id;
        const kind = k % 2 === 0 ? 'OpportunityChanged' : 'OpportunityStageChanged';
        for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
          const { opportunity } = await executeOk(url, GapsOpportunityStateDocument, { id });
          const result =
            kind === 'OpportunityChanged'
              ? await execute(url, GapsUpdateOpportunityTitleDocument, { id, version: opportunity.version, title: `Deal ${k % OPPORTUNITIES}, write ${k}` })
              : await execute(url, GapsMoveOpportunityDocument, {
                  id,
                  version: opportunity.version,
                  stageId: stageIds[(stageIds.indexOf(opportunity.currentStage.id) + 1) % stageIds.length]!,
                });
          const changed = result.data && ('updateOpportunity' in result.data ? result.data.updateOpportunity : result.data.moveOpportunity);
          if (changed && !result.errors) return { id, version: changed.version, kind };
          // Only a lost race may fail it: a stale version, whether seen on reading or at the UPDATE, is a CONFLICT.
          if (errorCodes(result).join() !== 'CONFLICT') throw new Error(`Write ${k} failed: ${JSON.stringify(result.errors)}`);
          conflicts++;
        }
        return null;
      });
      const succeeded = writes.filter((w): w is NonNullable<typeof w> => w !== null);
      expect(succeeded.length).toBeGreaterThan(WRITES / 2);
      expect(conflicts).toBeGreaterThan(0); // the writers did race

      // One event per opportunity created and per successful write; then a sentinel written after all of them.
      const expected = OPPORTUNITIES + succeeded.length;
      await live.waitFor(expected, 60_000);
      const last = succeeded
        .filter((w) => w.id === opportunities[0]!.id)
        .reduce((a, b) => (b.version > a.version ? b : a), { version: 1 } as { version: number });
      const { updateOpportunity: sentinel } = await executeOk(url, GapsUpdateOpportunityTitleDocument, {
        id: opportunities[0]!.id,
        version: last.version,
        title: 'Sentinel',
      });
      await live.waitFor(expected + 1, 30_000);
      const events = eventsOf(live);
      expect(events).toHaveLength(expected + 1);
      expect(events.at(-1)).toMatchObject({ type: 'OpportunityChanged', aggregateId: sentinel.id, aggregateVersion: sentinel.version });

      // Exactly once: the events are the creations and the successful writes, each once, of the kind written.
      const key = (e: { aggregateId: string; aggregateVersion?: number | null; type: string }) => `${e.aggregateId}@${e.aggregateVersion} ${e.type}`;
      const wanted = [
        ...opportunities.map((o) => key({ aggregateId: o.id, aggregateVersion: 1, type: 'OpportunityCreated' })),
        ...succeeded.map((w) => key({ aggregateId: w.id, aggregateVersion: w.version, type: w.kind })),
        key({ aggregateId: sentinel.id, aggregateVersion: sentinel.version, type: 'OpportunityChanged' }),
      ].sort();
      expect(events.map(key).sort()).toEqual(wanted);
      expect(new Set(events.map((e) => e.cursor)).size).toBe(events.length);

      // In order: the cursors ascend, and per opportunity the versions are 1, 2, 3, … with none missing.
      for (let i = 1; i < events.length; i++) expect(platform.bus.compare(events[i - 1]!.cursor, events[i]!.cursor)).toBeLessThan(0);
      for (const opportunity of opportunities) {
        const versions = events.filter((e) => e.aggregateId === opportunity.id).map((e) => e.aggregateVersion);
        expect(versions).toEqual(Array.from({ length: versions.length }, (_, i) => i + 1));
      }

      // Resuming after a cursor in the middle: exactly the events after it, in the same order, then live ones.
      const middle = Math.floor(events.length / 2);
      const resumed = subscribe(resumeClient, GapsOpportunityEventsDocument, { pipelineId: createPipeline.id, after: events[middle]!.cursor });
      const rest = events.slice(middle + 1).map((e) => e.cursor);
      await resumed.waitFor(rest.length, 30_000);
      const { updateOpportunity: second } = await executeOk(url, GapsUpdateOpportunityTitleDocument, {
        id: sentinel.id,
        version: sentinel.version,
        title: 'Second sentinel',
      });
      await resumed.waitFor(rest.length + 1, 30_000);
      await live.waitFor(events.length + 1, 30_000);
      const replayed = eventsOf(resumed);
      expect(replayed.slice(0, rest.length).map((e) => e.cursor)).toEqual(rest);
      expect(replayed.at(-1)).toMatchObject({ aggregateId: second.id, aggregateVersion: second.version });
      expect(replayed).toHaveLength(rest.length + 1);
      expect(eventsOf(live).at(-1)!.cursor).toBe(replayed.at(-1)!.cursor);
      expect(eventsOf(live)).toHaveLength(events.length + 1);
      await Promise.all([live.close(), resumed.close()]);
    } finally {
      await Promise.all([client.dispose(), resumeClient.dispose()]);
    }
  }, 180_000);
});
