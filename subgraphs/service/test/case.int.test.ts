import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { outboxOf, outboxTypes, refusal } from '../../../tests/helpers/integration.js';
import { UNKNOWN_ID } from '../../../tests/helpers/subgraph-database.js';
import { CaseCategory, CaseChannel, CaseLine, CasePriority, CaseStatus } from '../src/modules/case/case.enums.js';
import type { OpenCaseInput } from '../src/modules/case/case.inputs.js';
import { assignCase, changeCaseStatus, escalateCase, getCase, openCase, updateCase } from '../src/modules/case/case.service.js';
import { setServiceContract } from '../src/modules/contract/service-contract.service.js';
import { CaseMessageDirection } from '../src/modules/message/case-message.entity.js';
import { addCaseMessage } from '../src/modules/message/case-message.service.js';
import { ServiceContractTier } from '../src/modules/sla/sla.policy.js';
import { desk, em, orm, useFreshServiceDatabase, write } from './database.js';

// Cases on service's own database: classification, SLA deadlines, the status machine, updates, assignment,
// escalation and the events each change writes. What an agent sees and the queue: case-queue.int.test.ts. Through
// the gateway: tests/service-case.e2e.test.ts.

useFreshServiceDatabase();

const MINUTE = 60_000;
const minutesBetween = (from: Date, to: Date) => (to.getTime() - from.getTime()) / MINUTE;

const open = (input: Partial<OpenCaseInput> = {}) =>
  write((em) => openCase(em, { customerId: randomUUID(), subject: 'A question', channel: CaseChannel.EMAIL, ...input }));

describe('opening a case: classification and SLA', () => {
  it('classifies a case opened without category or priority from its text, and says by which rule', async () => {
    const brakes = await open({ subject: 'Brakes squeal', description: 'The brake pedal feels soft since Monday.' });
    expect(brakes).toMatchObject({
      category: 'TECHNICAL',
      priority: 'URGENT',
      line: 'SECOND',
      autoClassified: true,
      status: 'NEW',
      channel: 'EMAIL',
      currentChannel: 'EMAIL',
    });
    const [opened] = await outboxOf(orm(), brakes.id);
    expect(opened).toMatchObject({ type: 'CaseOpened', payload: { caseId: brakes.id, classificationRule: 'safety', priority: 'URGENT', line: 'SECOND' } });

    const billing = await open({ subject: 'Refund of the second instalment' });
    expect(billing).toMatchObject({ category: 'BILLING', priority: 'NORMAL', line: 'FIRST', autoClassified: true });
    const plain = await open({ subject: 'Opening hours at Easter' });
    expect(plain).toMatchObject({ category: 'GENERAL', priority: 'NORMAL', line: 'FIRST' });
    expect((await outboxOf(orm(), plain.id))[0]?.payload.classificationRule).toBeNull();
  });

  it('gives a classified case the SLA of the customer contract', async () => {
    const customerId = randomUUID();
    const contract = await write((em) => setServiceContract(em, { customerId, tier: ServiceContractTier.PREMIUM }));
    expect(contract).toMatchObject({ tier: 'PREMIUM', customerId });
    expect(await outboxTypes(orm(), contract.id)).toEqual(['ServiceContractSet']);

    const opened = await open({ customerId, subject: 'Air conditioning still broken after service', channel: CaseChannel.SOCIAL });
    expect(opened).toMatchObject({
      status: 'NEW',
      category: 'COMPLAINT',
      priority: 'HIGH',
      line: 'FIRST',
      autoClassified: true,
      contractTier: 'PREMIUM',
      channel: 'SOCIAL',
      currentChannel: 'SOCIAL',
    });
    expect((await getCase(em(), opened.id)).firstRespondedAt).toBeNull();
    expect([opened.firstResponseBreached(), opened.resolutionBreached()]).toEqual([false, false]);
    expect(minutesBetween(opened.createdAt, opened.firstResponseDueAt)).toBe(60);
    expect(minutesBetween(opened.createdAt, opened.resolutionDueAt)).toBe(8 * 60);
    const [event] = await outboxOf(orm(), opened.id);
    expect(event).toMatchObject({ type: 'CaseOpened', payload: { category: 'COMPLAINT', classificationRule: 'complaint' } });
  });

  it('keeps the category and priority it was given, on the first line unless told otherwise, with STANDARD terms without a contract', async () => {
    const given = await open({ subject: 'Brake check', category: CaseCategory.GENERAL, priority: CasePriority.LOW });
    expect(given).toMatchObject({ category: 'GENERAL', priority: 'LOW', line: 'FIRST', autoClassified: false, contractTier: 'STANDARD' });
    expect(minutesBetween(given.createdAt, given.firstResponseDueAt)).toBe(24 * 60);
    expect(minutesBetween(given.createdAt, given.resolutionDueAt)).toBe(5 * 24 * 60);
    expect((await outboxOf(orm(), given.id))[0]?.payload.classificationRule).toBeNull();
    const second = await open({ subject: 'Gearbox', category: CaseCategory.TECHNICAL, priority: CasePriority.HIGH, line: CaseLine.SECOND });
    expect(second.line).toBe('SECOND');
    expect((await refusal(open({ customerId: 'nobody' }))).code).toBe('BAD_USER_INPUT');
  });
});

describe('changing a case', () => {
  it('walks NEW → OPEN → PENDING → OPEN → RESOLVED, reopens, resolves a pending case, closes for good, and refuses the rest', async () => {
    let found = await open();
    const to = async (status: CaseStatus) => (found = await write((em) => changeCaseStatus(em, found.id, found.version, { status }, desk)));
    const refused = (status: CaseStatus, version = found.version) => refusal(write((em) => changeCaseStatus(em, found.id, version, { status }, desk)));

    expect(await refused(CaseStatus.RESOLVED)).toMatchObject({
      code: 'CONFLICT',
      message: 'A case cannot move from NEW to RESOLVED; from NEW it can move to OPEN',
    });
    expect(await refused(CaseStatus.CLOSED)).toMatchObject({
      code: 'CONFLICT',
      message: 'A case cannot move from NEW to CLOSED; from NEW it can move to OPEN',
    });
    await to(CaseStatus.OPEN);
    await to(CaseStatus.PENDING);
    await to(CaseStatus.OPEN);
    await to(CaseStatus.RESOLVED);
    expect(found.resolvedAt).toBeInstanceOf(Date);
    await to(CaseStatus.OPEN);
    expect(found).toMatchObject({ status: 'OPEN', resolvedAt: null });
    const stale = await refused(CaseStatus.RESOLVED, found.version - 1);
    expect(stale.code).toBe('CONFLICT');
    await to(CaseStatus.PENDING);
    await to(CaseStatus.RESOLVED);
    expect(found.resolvedAt).toBeInstanceOf(Date);
    await to(CaseStatus.CLOSED);
    expect(await refused(CaseStatus.OPEN)).toMatchObject({ code: 'CONFLICT', message: 'A case cannot move from CLOSED to OPEN; CLOSED is final' });
    expect((await getCase(em(), found.id)).status).toBe('CLOSED');

    const changes = (await outboxOf(orm(), found.id)).filter((e) => e.type === 'CaseStatusChanged');
    expect(changes.map((e) => `${String(e.payload.from)}→${String(e.payload.to)}`)).toEqual([
      'NEW→OPEN',
      'OPEN→PENDING',
      'PENDING→OPEN',
      'OPEN→RESOLVED',
      'RESOLVED→OPEN',
      'OPEN→PENDING',
      'PENDING→RESOLVED',
      'RESOLVED→CLOSED',
    ]);
    expect(changes.at(-1)?.payload.resolvedAt).toBe(found.resolvedAt!.toISOString());
  });

  it('updates only what changed, with the changed fields in the event', async () => {
    const found = await open({ subject: 'Wipers', category: CaseCategory.TECHNICAL, priority: CasePriority.LOW });
    const same = await write((em) => updateCase(em, found.id, found.version, { subject: ' Wipers ', category: CaseCategory.TECHNICAL }, desk));
    expect(same.version).toBe(found.version);
    const changed = await write((em) => updateCase(em, found.id, found.version, { subject: 'Wipers squeak', category: CaseCategory.WARRANTY }, desk));
    expect(changed).toMatchObject({ subject: 'Wipers squeak', category: 'WARRANTY', version: found.version + 1 });
    expect(await outboxTypes(orm(), found.id)).toEqual(['CaseOpened', 'CaseLeftUnassigned', 'CaseChanged']);
    expect((await outboxOf(orm(), found.id))[2]?.payload.changedFields).toEqual(['subject', 'category']);
  });

  it('updates a case with its version, recomputing deadlines on a new priority, and rejects a stale version with CONFLICT', async () => {
    const opened = await open({ priority: CasePriority.NORMAL, category: CaseCategory.GENERAL });
    const updated = await write((em) => updateCase(em, opened.id, opened.version, { priority: CasePriority.URGENT, description: 'Car does not start' }, desk));
    expect(updated).toMatchObject({ priority: 'URGENT', description: 'Car does not start', version: opened.version + 1 });
    expect(minutesBetween(updated.createdAt, updated.firstResponseDueAt)).toBe(60);
    const stale = await refusal(write((em) => updateCase(em, opened.id, opened.version, { subject: 'Lost update' }, desk)));
    expect(stale.code).toBe('CONFLICT');
    expect(stale.message).toContain('was changed by someone else');
    const changed = (await outboxOf(orm(), opened.id)).find((e) => e.type === 'CaseChanged');
    expect(changed?.payload.changedFields).toEqual(['description', 'priority']);
  });

  it('assigns and escalates to the second line once, never a closed case', async () => {
    const agent = randomUUID();
    let found = await open({ category: CaseCategory.TECHNICAL, priority: CasePriority.NORMAL });
    found = await write((em) => assignCase(em, found.id, found.version, { assigneeId: agent }, desk));
    expect(found.assigneeId).toBe(agent);
    const expert = randomUUID();
    found = await write((em) => escalateCase(em, found.id, found.version, { reason: 'Needs a technician', assigneeId: expert }, desk));
    expect(found).toMatchObject({ line: 'SECOND', assigneeId: expert });
    const again = await refusal(write((em) => escalateCase(em, found.id, found.version, null, desk)));
    expect(again).toMatchObject({ code: 'CONFLICT', message: `Case ${found.id} is already on the second line`, extensions: { field: 'id' } });
    const [, unassigned, assigned, escalated, ...more] = await outboxOf(orm(), found.id);
    expect(unassigned?.type).toBe('CaseLeftUnassigned'); // no assignment rule in this database
    expect(assigned).toMatchObject({ type: 'CaseAssigned', payload: { assigneeId: agent, previousAssigneeId: null } });
    expect(escalated).toMatchObject({ type: 'CaseEscalated', payload: { reason: 'Needs a technician', line: 'SECOND' } });
    expect(more).toEqual([]);

    let closed = await open({ category: CaseCategory.GENERAL, priority: CasePriority.LOW });
    for (const status of [CaseStatus.OPEN, CaseStatus.RESOLVED, CaseStatus.CLOSED]) {
      closed = await write((em) => changeCaseStatus(em, closed.id, closed.version, { status }, desk));
    }
    expect(await refusal(write((em) => escalateCase(em, closed.id, closed.version, null, desk)))).toMatchObject({
      code: 'CONFLICT',
      message: `Case ${closed.id} is closed; reopening a closed case is not possible`,
    });
  });

  it('reports unknown and malformed case ids', async () => {
    expect((await refusal(getCase(em(), UNKNOWN_ID))).code).toBe('NOT_FOUND');
    expect((await refusal(write((em) => assignCase(em, UNKNOWN_ID, 1, { assigneeId: randomUUID() }, desk)))).code).toBe('NOT_FOUND');
    expect((await refusal(write((em) => changeCaseStatus(em, 'case-1', 1, { status: CaseStatus.OPEN }, desk)))).code).toBe('BAD_USER_INPUT');
  });
});

describe('case events carry the case snapshot', () => {
  it('puts { caseId, customerId, status, priority, line, category, assigneeId, channel } on every Case* event', async () => {
    const customerId = randomUUID();
    const opened = await open({ customerId, channel: CaseChannel.SOCIAL, category: CaseCategory.COMPLAINT, priority: CasePriority.NORMAL });
    const changed = await write((em) => updateCase(em, opened.id, opened.version, { priority: CasePriority.HIGH }, desk));
    const moved = await write((em) => changeCaseStatus(em, opened.id, changed.version, { status: CaseStatus.OPEN }, desk));
    const agent = randomUUID();
    const assigned = await write((em) => assignCase(em, opened.id, moved.version, { assigneeId: agent }, desk));
    await write((em) => escalateCase(em, opened.id, assigned.version, { reason: 'Needs a specialist' }, desk));
    const longBody = `${'Still warm air. '.repeat(40)}😀 end`;
    const message = await write((em) =>
      addCaseMessage(em, { caseId: opened.id, channel: CaseChannel.CHAT, direction: CaseMessageDirection.INBOUND, body: longBody }, desk),
    );

    const base = { caseId: opened.id, customerId, category: 'COMPLAINT', channel: 'SOCIAL' };
    const events = await outboxOf(orm(), opened.id);
    const byType = (type: string) => events.find((e) => e.type === type)?.payload;
    expect(byType('CaseOpened')).toMatchObject({ ...base, status: 'NEW', priority: 'NORMAL', line: 'FIRST', assigneeId: null });
    expect(byType('CaseChanged')).toMatchObject({
      ...base,
      status: 'NEW',
      priority: 'HIGH',
      changedFields: ['priority'],
      firstResponseDueAt: changed.firstResponseDueAt.toISOString(),
    });
    expect(byType('CaseStatusChanged')).toMatchObject({ ...base, status: 'OPEN', priority: 'HIGH', from: 'NEW', to: 'OPEN' });
    expect(byType('CaseAssigned')).toMatchObject({ ...base, status: 'OPEN', assigneeId: agent, previousAssigneeId: null, line: 'FIRST' });
    expect(byType('CaseEscalated')).toMatchObject({ ...base, line: 'SECOND', assigneeId: agent, reason: 'Needs a specialist' });
    const added = byType('CaseMessageAdded');
    expect(added).toMatchObject({
      caseId: opened.id,
      customerId,
      status: 'OPEN',
      priority: 'HIGH',
      line: 'SECOND',
      assigneeId: agent,
      messageId: message.id,
      // The case's channel, as in every Case* event; the message's own is messageChannel (version 2).
      channel: 'SOCIAL',
      messageChannel: 'CHAT',
      direction: 'INBOUND',
      currentChannel: 'CHAT',
      eventVersion: 2,
    });
    expect(added).not.toHaveProperty('caseChannel');
    expect(added?.body).toBe(longBody.slice(0, 500));
    expect(message.body).toBe(longBody);

    const snapshotKeys = ['caseId', 'customerId', 'status', 'priority', 'line', 'category', 'assigneeId', 'channel'];
    for (const event of events) expect(Object.keys(event.payload)).toEqual(expect.arrayContaining(snapshotKeys));
  });
});
