import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { outboxTypes, refusal } from '../../../tests/helpers/integration.js';
import { UNKNOWN_ID } from '../../../tests/helpers/subgraph-database.js';
import { SalesActivityType } from '../src/modules/activity/activity.entity.js';
import { ActivityOrder } from '../src/modules/activity/activity.inputs.js';
import { activitiesPage, activityCountsByCustomer, activityPagesByCustomer } from '../src/modules/activity/activity.queries.js';
import { completeActivity, createActivity } from '../src/modules/activity/activity.service.js';
import { createOpportunity } from '../src/modules/opportunity/opportunity.service.js';
import { CZK, newPipeline, salesRep, useFreshSalesDatabase } from './database.js';

const { orm, em, write } = useFreshSalesDatabase();

const rep = salesRep(randomUUID());

describe('activities', () => {
  it('records calls, meetings and tasks on a target, completes tasks, and lists them by due date', async () => {
    const customerId = randomUUID();
    const pipeline = await write((em) => newPipeline(em, 'Activities'));
    const opportunity = await write((em) => createOpportunity(em, { customerId, pipelineId: pipeline.id, title: 'Deal', amount: CZK('1') }, rep));
    const create = (input: Parameters<typeof createActivity>[1]) => write((em) => createActivity(em, input, rep));
    const refused = async (input: Parameters<typeof createActivity>[1]) => refusal(create(input));

    const lost = await refused({ type: SalesActivityType.CALL, subject: 'Lost' });
    expect(lost.code).toBe('BAD_USER_INPUT');
    expect(lost.message).toMatch(/at least one/);
    expect(await refused({ type: SalesActivityType.TASK, subject: 'No date', customerId })).toMatchObject({
      code: 'BAD_USER_INPUT',
      message: 'A task needs a due date (dueAt)',
    });
    const late = await refused({
      type: SalesActivityType.TASK,
      subject: 'Late reminder',
      customerId,
      dueAt: new Date('2026-12-01T09:00:00.000Z'),
      reminderAt: new Date('2026-12-02T09:00:00.000Z'),
    });
    expect(late.code).toBe('BAD_USER_INPUT');
    expect(late.message).toMatch(/reminder must come before/);
    expect((await refused({ type: SalesActivityType.NOTE, subject: 'Ghost', opportunityId: UNKNOWN_ID })).code).toBe('NOT_FOUND');

    await create({ type: SalesActivityType.CALL, subject: 'Hotline call', customerId, occurredAt: new Date('2026-11-03T09:00:00.000Z') });
    const callBack = await create({
      type: SalesActivityType.TASK,
      subject: 'Call back',
      opportunityId: opportunity.id,
      dueAt: new Date('2026-12-10T09:00:00.000Z'),
      reminderAt: new Date('2026-12-10T08:30:00.000Z'),
    });
    // The opportunity's customer, and the rep who made it (their own, so it stays theirs to see).
    expect(callBack).toMatchObject({ customerId, opportunityId: opportunity.id, ownerId: rep.id });
    expect(callBack.done()).toBe(false);
    const showroom = await create({ type: SalesActivityType.MEETING, subject: 'Showroom', customerId, dueAt: new Date('2026-12-01T15:00:00.000Z') });
    const completed = await write((em) => completeActivity(em, callBack.id, callBack.version, rep));
    // Another rep's activity is as if it did not exist.
    expect((await refusal(write((em) => completeActivity(em, showroom.id, showroom.version, salesRep(randomUUID()))))).code).toBe('NOT_FOUND');
    expect(completed.done()).toBe(true);
    const again = await refusal(write((em) => completeActivity(em, callBack.id, completed.version, rep)));
    expect(again).toMatchObject({ code: 'CONFLICT', extensions: { field: 'id' } }); // its state, not the input
    expect(again.message).toMatch(/already done/);
    expect((await refusal(write((em) => completeActivity(em, showroom.id, showroom.version + 1, rep)))).code).toBe('CONFLICT');
    expect(await outboxTypes(orm(), callBack.id)).toEqual(['ActivityCreated', 'ActivityCompleted']);

    // Due soonest first: only what has a due date.
    const [byDue] = await activityPagesByCustomer(em(), [customerId], null, ActivityOrder.DUE_SOONEST, rep, { first: 10 });
    expect(byDue!.edges.map((e) => e.node.subject)).toEqual(['Showroom', 'Call back']);
    expect(await activityCountsByCustomer(em(), [customerId], null, ActivityOrder.DUE_SOONEST, rep)).toEqual([2]);
    expect(await activityCountsByCustomer(em(), [customerId], null, ActivityOrder.NEWEST_FIRST, rep)).toEqual([3]);
    const open = await activitiesPage(em(), { opportunityId: opportunity.id, done: false }, ActivityOrder.NEWEST_FIRST, rep, {});
    expect(await open.count()).toBe(0);
    const done = await activitiesPage(em(), { opportunityId: opportunity.id, done: true }, ActivityOrder.NEWEST_FIRST, rep, {});
    expect(done.edges.map((e) => e.node.id)).toEqual([callBack.id]);
  });
});
