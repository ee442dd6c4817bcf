import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { systemViewer } from '@crm/kit/access/viewer.js';
import { mutation, outboxOf, outboxTypes, refusal } from '../../../tests/helpers/integration.js';
import { CaseCategory, CaseChannel, CaseLine, CaseOrder, CasePriority, CaseStatus } from '../src/modules/case/case.enums.js';
import type { OpenCaseInput } from '../src/modules/case/case.inputs.js';
import { casesPage } from '../src/modules/case/case.queries.js';
import { assignCase, changeCaseStatus, escalateCase, getCase, openCase, updateCase } from '../src/modules/case/case.service.js';
import { freshServiceDatabase, serviceAgent } from './database.js';

let orm: MikroORM;
let drop: () => Promise<void>;
beforeAll(async () => {
  ({ orm, drop } = await freshServiceDatabase());
});
afterAll(() => drop());

/** A unit of work of its own for reads, as each request gets; `write` runs a change as the API runs a mutation. */
const em = () => orm.em.fork();
const write = <T>(change: (em: EntityManager) => Promise<T>) => mutation(orm, change);
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
const desk = systemViewer('test');

const open = (input: Partial<OpenCaseInput> = {}) =>
  write((em) => openCase(em, { customerId: randomUUID(), subject: 'A question', channel: CaseChannel.EMAIL, ...input }));

describe('opening a case', () => {
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
    const [opened] = await outboxOf(orm, brakes.id);
    expect(opened).toMatchObject({ type: 'CaseOpened', payload: { caseId: brakes.id, classificationRule: 'safety', priority: 'URGENT', line: 'SECOND' } });

    const billing = await open({ subject: 'Refund of the second instalment' });
    expect(billing).toMatchObject({ category: 'BILLING', priority: 'NORMAL', line: 'FIRST', autoClassified: true });
    const plain = await open({ subject: 'Opening hours at Easter' });
    expect(plain).toMatchObject({ category: 'GENERAL', priority: 'NORMAL', line: 'FIRST' });
    expect((await outboxOf(orm, plain.id))[0]?.payload.classificationRule).toBeNull();
  });

  it('keeps the category and priority it was given, on the first line unless told otherwise', async () => {
    const given = await open({ subject: 'Brake check', category: CaseCategory.GENERAL, priority: CasePriority.LOW });
    expect(given).toMatchObject({ category: 'GENERAL', priority: 'LOW', line: 'FIRST', autoClassified: false });
    expect((await outboxOf(orm, given.id))[0]?.payload.classificationRule).toBeNull();
    const second = await open({ subject: 'Gearbox', category: CaseCategory.TECHNICAL, priority: CasePriority.HIGH, line: CaseLine.SECOND });
    expect(second.line).toBe('SECOND');
    expect((await refusal(open({ customerId: 'nobody' }))).code).toBe('BAD_USER_INPUT');
  });
});

describe('the case lifecycle', () => {
  it('walks NEW → OPEN → PENDING → OPEN → RESOLVED, reopens, closes for good, and refuses the rest', async () => {
    let found = await open();
    const to = async (status: CaseStatus) => (found = await write((em) => changeCaseStatus(em, found.id, found.version, { status }, desk)));
    const refused = (status: CaseStatus, version = found.version) => refusal(write((em) => changeCaseStatus(em, found.id, version, { status }, desk)));

    expect(await refused(CaseStatus.RESOLVED)).toMatchObject({
      code: 'BAD_USER_INPUT',
      message: 'A case cannot move from NEW to RESOLVED; from NEW it can move to OPEN',
    });
    await to(CaseStatus.OPEN);
    await to(CaseStatus.PENDING);
    await to(CaseStatus.OPEN);
    await to(CaseStatus.RESOLVED);
    expect(found.resolvedAt).toBeInstanceOf(Date);
    await to(CaseStatus.OPEN);
    expect(found.resolvedAt).toBeNull();
    const stale = await refused(CaseStatus.RESOLVED, found.version - 1);
    expect(stale.code).toBe('CONFLICT');
    await to(CaseStatus.RESOLVED);
    await to(CaseStatus.CLOSED);
    expect(await refused(CaseStatus.OPEN)).toMatchObject({ code: 'BAD_USER_INPUT', message: 'A case cannot move from CLOSED to OPEN; CLOSED is final' });
    expect((await getCase(em(), found.id)).status).toBe('CLOSED');

    const changes = (await outboxOf(orm, found.id)).filter((e) => e.type === 'CaseStatusChanged');
    expect(changes.map((e) => `${String(e.payload.from)}→${String(e.payload.to)}`)).toEqual([
      'NEW→OPEN',
      'OPEN→PENDING',
      'PENDING→OPEN',
      'OPEN→RESOLVED',
      'RESOLVED→OPEN',
      'OPEN→RESOLVED',
      'RESOLVED→CLOSED',
    ]);
    expect(changes.at(-1)?.payload.resolvedAt).toBe(found.resolvedAt!.toISOString());
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
    expect(again).toMatchObject({ code: 'BAD_USER_INPUT', message: `Case ${found.id} is already on the second line` });
    const assigned = (await outboxOf(orm, found.id)).find((e) => e.type === 'CaseAssigned');
    expect(assigned?.payload).toMatchObject({ assigneeId: agent, previousAssigneeId: null });
    expect((await outboxOf(orm, found.id)).at(-1)).toMatchObject({ type: 'CaseEscalated', payload: { reason: 'Needs a technician', line: 'SECOND' } });

    let closed = await open({ category: CaseCategory.GENERAL, priority: CasePriority.LOW });
    for (const status of [CaseStatus.OPEN, CaseStatus.RESOLVED, CaseStatus.CLOSED]) {
      closed = await write((em) => changeCaseStatus(em, closed.id, closed.version, { status }, desk));
    }
    expect((await refusal(write((em) => escalateCase(em, closed.id, closed.version, null, desk)))).message).toMatch(/is closed/);
    expect((await refusal(write((em) => assignCase(em, UNKNOWN_ID, 1, { assigneeId: agent }, desk)))).code).toBe('NOT_FOUND');
  });

  it('updates only what changed, with the changed fields in the event', async () => {
    const found = await open({ subject: 'Wipers', category: CaseCategory.TECHNICAL, priority: CasePriority.LOW });
    const same = await write((em) => updateCase(em, found.id, found.version, { subject: ' Wipers ', category: CaseCategory.TECHNICAL }, desk));
    expect(same.version).toBe(found.version);
    const changed = await write((em) => updateCase(em, found.id, found.version, { subject: 'Wipers squeak', category: CaseCategory.WARRANTY }, desk));
    expect(changed).toMatchObject({ subject: 'Wipers squeak', category: 'WARRANTY', version: found.version + 1 });
    expect(await outboxTypes(orm, found.id)).toEqual(['CaseOpened', 'CaseChanged']);
    expect((await outboxOf(orm, found.id))[1]?.payload.changedFields).toEqual(['subject', 'category']);
  });
});

describe('cases an agent works', () => {
  it('shows an agent the cases of their line and those assigned to them; others are NOT_FOUND, in lists too', async () => {
    const agentId = randomUUID();
    const agent = serviceAgent(agentId, ['FIRST']);
    const customerId = randomUUID();
    const first = await open({ customerId, subject: 'First line', category: CaseCategory.GENERAL, priority: CasePriority.NORMAL });
    const second = await open({ customerId, subject: 'Second line', category: CaseCategory.TECHNICAL, priority: CasePriority.NORMAL, line: CaseLine.SECOND });
    const mine = await open({
      customerId,
      subject: 'Mine',
      category: CaseCategory.TECHNICAL,
      priority: CasePriority.NORMAL,
      line: CaseLine.SECOND,
      assigneeId: agentId,
    });

    expect((await getCase(em(), first.id, agent)).id).toBe(first.id);
    expect((await getCase(em(), mine.id, agent)).id).toBe(mine.id);
    expect((await refusal(getCase(em(), second.id, agent))).code).toBe('NOT_FOUND');
    const refused = await refusal(write((em) => changeCaseStatus(em, second.id, second.version, { status: CaseStatus.OPEN }, agent)));
    expect(refused.code).toBe('NOT_FOUND');
    expect((await getCase(em(), second.id)).status).toBe('NEW');

    const ids = async (viewer: typeof agent) => (await casesPage(em(), null, CaseOrder.OLDEST_FIRST, viewer, { first: 50 })).edges.map((e) => e.node.id);
    const seen = await ids(agent);
    expect(seen).toEqual(expect.arrayContaining([first.id, mine.id]));
    expect(seen).not.toContain(second.id);
    expect(await ids(desk)).toEqual(expect.arrayContaining([first.id, second.id, mine.id]));
  });
});
