import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { actingFor } from '@crm/kit/access/viewer.js';
import { catalogEvent } from '../../../tests/helpers/events.js';
import { deliver } from '../../../tests/helpers/integration.js';
import { Activity } from '../src/modules/activity/activity.entity.js';
import { sequenceTaskHandler } from '../src/modules/activity/sequence-task.handlers.js';
import { createOpportunity } from '../src/modules/opportunity/opportunity.service.js';
import { CZK, newPipeline, useFreshSalesDatabase } from './database.js';

// A marketing sequence's CREATE_TASK step (SequenceTaskRequested) gives the customer's rep a task, once.
// The step itself and its branch conditions: subgraphs/marketing/test/messaging.int.test.ts.

const { orm, em, write } = useFreshSalesDatabase();

describe("a sequence's task step", () => {
  it("gives the customer's rep the task on the enrolment's deal, once however often it is delivered", async () => {
    const pipeline = await write((em) => newPipeline(em, `Cars ${randomUUID()}`));
    const [rep, customerId, enrolmentId] = [randomUUID(), randomUUID(), randomUUID()];
    const deal = await write((em) =>
      createOpportunity(em, { customerId, title: 'Kodiaq', pipelineId: pipeline.id, amount: CZK('1'), ownerId: rep }, actingFor(randomUUID())),
    );
    const requested = catalogEvent('SequenceTaskRequested', enrolmentId, {
      enrolmentId,
      sequenceId: randomUUID(),
      customerId,
      step: 2,
      subject: 'Call about the financing offer',
      opportunityId: deal.id,
    });
    expect(await deliver(orm(), sequenceTaskHandler, requested)).toBe(true);
    await deliver(orm(), sequenceTaskHandler, { ...requested, id: randomUUID() });
    const tasks = await em().find(Activity, { customerId });
    expect(tasks).toEqual([
      expect.objectContaining({ type: 'TASK', subject: 'Call about the financing offer', ownerId: rep, opportunityId: deal.id, completedAt: null }),
    ]);
    expect(tasks[0]!.dueAt!.getTime() - new Date(requested.occurredAt).getTime()).toBe(24 * 3600_000);
  });
});
