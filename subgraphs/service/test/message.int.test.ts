import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { type Viewer } from '@crm/kit/access/viewer.js';
import { outboxOf, refusal } from '../../../tests/helpers/integration.js';
import { UNKNOWN_ID } from '../../../tests/helpers/subgraph-database.js';
import { CaseCategory, CaseChannel, CasePriority, CaseStatus } from '../src/modules/case/case.enums.js';
import { changeCaseStatus, getCase, openCase } from '../src/modules/case/case.service.js';
import { CaseMessageDirection } from '../src/modules/message/case-message.entity.js';
import type { AddCaseMessageInput } from '../src/modules/message/case-message.inputs.js';
import { messageCountsByCase, messagePagesByCase } from '../src/modules/message/case-message.queries.js';
import { addCaseMessage } from '../src/modules/message/case-message.service.js';
import { desk, em, orm, serviceAgent, useFreshServiceDatabase, write } from './database.js';

// A case's one conversation across channels, on service's own database: who wrote a message, what it does to the
// case and what its event carries. Through the gateway: tests/service-case.e2e.test.ts.

useFreshServiceDatabase();

const { INBOUND, OUTBOUND, INTERNAL_NOTE } = CaseMessageDirection;

const open = (channel = CaseChannel.EMAIL) =>
  write((em) => openCase(em, { customerId: randomUUID(), subject: 'Seat heating', channel, category: CaseCategory.TECHNICAL, priority: CasePriority.NORMAL }));
const add = (input: AddCaseMessageInput, viewer: Viewer = desk) => write((em) => addCaseMessage(em, input, viewer));
const messagesAdded = async (caseId: string) => (await outboxOf(orm(), caseId)).filter((e) => e.type === 'CaseMessageAdded');

describe('the messages of a case', () => {
  it("keeps one history across channels; the first answer to the customer is the SLA's first response", async () => {
    const found = await open();
    const agent = serviceAgent(randomUUID(), ['FIRST']);
    const say = (input: Omit<AddCaseMessageInput, 'caseId'>) => add({ caseId: found.id, ...input }, agent);

    const question = await say({ channel: CaseChannel.EMAIL, direction: INBOUND, body: ' It does not warm up. ' });
    expect(question).toMatchObject({ authorCustomerId: found.customerId, authorUserId: null, body: 'It does not warm up.' });
    expect((await getCase(em(), found.id)).firstRespondedAt).toBeNull();
    await say({ channel: CaseChannel.CHAT, direction: INTERNAL_NOTE, body: 'Check the fuse first.' });
    expect((await getCase(em(), found.id)).currentChannel).toBe('EMAIL');
    // A member of staff replying is the author.
    const answer = await say({ channel: CaseChannel.PHONE, direction: OUTBOUND, body: 'We called you back.' });
    expect(answer.authorUserId).toBe(agent.id);
    const answered = await getCase(em(), found.id);
    expect(answered).toMatchObject({ currentChannel: 'PHONE', firstRespondedAt: answer.sentAt });
    await say({ channel: CaseChannel.PHONE, direction: OUTBOUND, body: 'And again.' });
    expect((await getCase(em(), found.id)).firstRespondedAt).toEqual(answer.sentAt);

    expect((await messagesAdded(found.id)).map((e) => e.payload.changedFields)).toEqual([[], [], ['currentChannel', 'firstRespondedAt'], []]);
    const [page] = await messagePagesByCase(em(), [found.id], { first: 10 });
    expect(page!.edges).toHaveLength(4);
    expect(await messageCountsByCase(em(), [found.id])).toEqual([4]);
  });

  it('pages the conversation from social to chat to phone in the order it was written', async () => {
    const opened = await open(CaseChannel.SOCIAL);
    const agent = randomUUID();
    const say = (channel: CaseChannel, direction: CaseMessageDirection, body: string) =>
      add({ caseId: opened.id, channel, direction, body, authorUserId: direction === INBOUND ? null : agent });
    const first = await say(CaseChannel.SOCIAL, INBOUND, 'Still not cooling!');
    expect([first.authorCustomerId, first.authorUserId]).toEqual([opened.customerId, null]);
    const reply = await say(CaseChannel.SOCIAL, OUTBOUND, 'Sorry, moving to a private chat');
    expect(reply.authorUserId).toBe(agent);
    await say(CaseChannel.CHAT, INBOUND, 'Plate 2AB 1234');
    await say(CaseChannel.CHAT, OUTBOUND, 'Booked a re-check');
    await say(CaseChannel.PHONE, INBOUND, 'Called to confirm');
    await say(CaseChannel.PHONE, INTERNAL_NOTE, 'Loan car reserved');

    const found = await getCase(em(), opened.id);
    expect(found.firstRespondedAt).toEqual(reply.sentAt);
    expect(found.currentChannel).toBe('PHONE');
    expect(await messageCountsByCase(em(), [opened.id])).toEqual([6]);
    const [page] = await messagePagesByCase(em(), [opened.id], { first: 4 });
    expect(page!.edges.map((e) => `${e.node.channel}:${e.node.direction}`)).toEqual(['SOCIAL:INBOUND', 'SOCIAL:OUTBOUND', 'CHAT:INBOUND', 'CHAT:OUTBOUND']);
    const [rest] = await messagePagesByCase(em(), [opened.id], { first: 4, after: page!.pageInfo.endCursor });
    expect(rest!.edges.map((e) => e.node.body)).toEqual(['Called to confirm', 'Loan car reserved']);
    expect(await messagesAdded(opened.id)).toHaveLength(6);
  });

  it('refuses a blank body, a customer message with a staff author, a staff message without one, an unknown case and a closed case', async () => {
    let found = await open();
    const refused = (input: Partial<AddCaseMessageInput>, viewer: Viewer = desk) =>
      refusal(add({ caseId: found.id, channel: CaseChannel.EMAIL, direction: INBOUND, body: 'x', ...input }, viewer));
    expect(await refused({ body: '   ' })).toMatchObject({ code: 'BAD_USER_INPUT', message: 'body must not be blank' });
    expect(await refused({ authorUserId: randomUUID() })).toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringMatching(/leave authorUserId empty/) });
    expect((await refused({ direction: OUTBOUND })).message).toMatch(/needs the authorUserId/);
    // A partner's key names who wrote a reply or is refused.
    const partner: Viewer = { ...desk, id: randomUUID(), kind: 'api-key', permissions: ['cases:read', 'cases:write'] };
    expect(await refused({ direction: OUTBOUND }, partner)).toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringContaining('authorUserId') });
    expect((await refused({ caseId: UNKNOWN_ID })).code).toBe('NOT_FOUND');
    for (const status of [CaseStatus.OPEN, CaseStatus.RESOLVED, CaseStatus.CLOSED]) {
      found = await write((em) => changeCaseStatus(em, found.id, found.version, { status }, desk));
    }
    expect(await refused({})).toMatchObject({
      code: 'CONFLICT',
      message: `Case ${found.id} is closed; open a new case instead`,
      extensions: { field: 'caseId' },
    });
    expect(await messageCountsByCase(em(), [found.id])).toEqual([0]);
  });
});

describe('the CaseMessageAdded event', () => {
  it("keeps the whole body on the message and cuts the event's to 500 characters without splitting a character", async () => {
    const opened = await open();
    const body = '🚗'.repeat(600);
    const message = await add({ caseId: opened.id, channel: CaseChannel.EMAIL, direction: INBOUND, body });
    expect(message.body).toBe(body);
    const [added] = await messagesAdded(opened.id);
    expect(Array.from(added!.payload.body as string)).toHaveLength(500);
    expect(added!.payload.body).toBe('🚗'.repeat(500));
  });
});
