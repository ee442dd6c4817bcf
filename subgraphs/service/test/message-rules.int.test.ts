import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { actingFor, type Viewer } from '@crm/kit/access/viewer.js';
import { mutation, outboxOf, refusal } from '../../../tests/helpers/integration.js';
import { CaseChannel } from '../src/modules/case/case.enums.js';
import { getCase, openCase } from '../src/modules/case/case.service.js';
import { CaseMessageDirection } from '../src/modules/message/case-message.entity.js';
import type { AddCaseMessageInput } from '../src/modules/message/case-message.inputs.js';
import { messageCountsByCase, messagePagesByCase } from '../src/modules/message/case-message.queries.js';
import { addCaseMessage } from '../src/modules/message/case-message.service.js';
import { freshServiceDatabase, serviceAgent } from './database.js';

// A case's one conversation across channels, on service's own database: who wrote a message, what it does to the
// case and what its event carries. Through the gateway: tests/service-case.e2e.test.ts.

let orm: MikroORM;
let drop: () => Promise<void>;
beforeAll(async () => {
  ({ orm, drop } = await freshServiceDatabase());
});
afterAll(() => drop());

const em = () => orm.em.fork();
const write = <T>(change: (em: EntityManager) => Promise<T>) => mutation(orm, change);
const desk = actingFor(randomUUID());
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
const { INBOUND, OUTBOUND, INTERNAL_NOTE } = CaseMessageDirection;

const open = (customerId = randomUUID(), channel = CaseChannel.EMAIL) => write((em) => openCase(em, { customerId, subject: 'A/C not cooling', channel }));
const add = (input: AddCaseMessageInput, viewer: Viewer = desk) => write((em) => addCaseMessage(em, input, viewer));

describe('one history across channels', () => {
  it('keeps the conversation from social to chat to phone on one case; the first reply is the first response', async () => {
    const customerId = randomUUID();
    const agent = randomUUID();
    const opened = await open(customerId, CaseChannel.SOCIAL);
    const say = (channel: CaseChannel, direction: CaseMessageDirection, body: string) =>
      add({ caseId: opened.id, channel, direction, body, authorUserId: direction === INBOUND ? null : agent });
    const first = await say(CaseChannel.SOCIAL, INBOUND, 'Still not cooling!');
    expect([first.authorCustomerId, first.authorUserId]).toEqual([customerId, null]);
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
    expect((await outboxOf(orm, opened.id)).filter((e) => e.type === 'CaseMessageAdded')).toHaveLength(6);
  });

  it('rejects messages with the wrong author and on unknown cases', async () => {
    const opened = await open();
    const message = { caseId: opened.id, channel: CaseChannel.EMAIL, body: 'Hi' };
    const inboundByStaff = await refusal(add({ ...message, direction: INBOUND, authorUserId: randomUUID() }));
    expect(inboundByStaff.code).toBe('BAD_USER_INPUT');
    // A member of staff replying is the author; a partner's key names who wrote it or is refused.
    const agent = serviceAgent(randomUUID(), ['FIRST']);
    expect((await add({ ...message, direction: OUTBOUND }, agent)).authorUserId).toBe(agent.id);
    const partner: Viewer = { ...desk, id: randomUUID(), kind: 'api-key', permissions: ['cases:read', 'cases:write'] };
    const anonymousReply = await refusal(add({ ...message, direction: OUTBOUND }, partner));
    expect(anonymousReply.code).toBe('BAD_USER_INPUT');
    expect(anonymousReply.message).toContain('authorUserId');
    expect((await refusal(add({ ...message, caseId: UNKNOWN_ID, direction: INBOUND }))).code).toBe('NOT_FOUND');
  });
});

describe('the CaseMessageAdded event', () => {
  it('cuts a message body to 500 characters without splitting a character', async () => {
    const opened = await open();
    const body = '🚗'.repeat(600);
    await add({ caseId: opened.id, channel: CaseChannel.EMAIL, direction: INBOUND, body });
    const [added] = (await outboxOf(orm, opened.id)).filter((e) => e.type === 'CaseMessageAdded');
    expect(Array.from(added!.payload.body as string)).toHaveLength(500);
    expect(added!.payload.body).toBe('🚗'.repeat(500));
  });
});
