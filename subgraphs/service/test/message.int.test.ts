import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { systemViewer } from '@crm/kit/access/viewer.js';
import { mutation, outboxOf, refusal } from '../../../tests/helpers/integration.js';
import { CaseCategory, CaseChannel, CasePriority, CaseStatus } from '../src/modules/case/case.enums.js';
import { changeCaseStatus, getCase, openCase } from '../src/modules/case/case.service.js';
import { CaseMessageDirection } from '../src/modules/message/case-message.entity.js';
import type { AddCaseMessageInput } from '../src/modules/message/case-message.inputs.js';
import { messageCountsByCase, messagePagesByCase } from '../src/modules/message/case-message.queries.js';
import { addCaseMessage, MESSAGE_EXCERPT_LENGTH } from '../src/modules/message/case-message.service.js';
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
const desk = systemViewer('test');

const openCaseByEmail = () =>
  write((em) =>
    openCase(em, {
      customerId: randomUUID(),
      subject: 'Seat heating',
      channel: CaseChannel.EMAIL,
      category: CaseCategory.TECHNICAL,
      priority: CasePriority.NORMAL,
    }),
  );

describe('the messages of a case', () => {
  it("keeps one history across channels; the first answer to the customer is the SLA's first response", async () => {
    const found = await openCaseByEmail();
    const agent = serviceAgent(randomUUID(), ['FIRST']);
    const add = (input: Omit<AddCaseMessageInput, 'caseId'>, viewer = agent) => write((em) => addCaseMessage(em, { caseId: found.id, ...input }, viewer));

    const question = await add({ channel: CaseChannel.EMAIL, direction: CaseMessageDirection.INBOUND, body: ' It does not warm up. ' });
    expect(question).toMatchObject({ authorCustomerId: found.customerId, authorUserId: null, body: 'It does not warm up.' });
    expect((await getCase(em(), found.id)).firstRespondedAt).toBeNull();
    await add({ channel: CaseChannel.CHAT, direction: CaseMessageDirection.INTERNAL_NOTE, body: 'Check the fuse first.' });
    expect((await getCase(em(), found.id)).currentChannel).toBe('EMAIL');
    const answer = await add({ channel: CaseChannel.PHONE, direction: CaseMessageDirection.OUTBOUND, body: 'We called you back.' });
    expect(answer.authorUserId).toBe(agent.id);
    const answered = await getCase(em(), found.id);
    expect(answered).toMatchObject({ currentChannel: 'PHONE', firstRespondedAt: answer.sentAt });
    await add({ channel: CaseChannel.PHONE, direction: CaseMessageDirection.OUTBOUND, body: 'And again.' });
    expect((await getCase(em(), found.id)).firstRespondedAt).toEqual(answer.sentAt);

    const added = (await outboxOf(orm, found.id)).filter((e) => e.type === 'CaseMessageAdded');
    expect(added.map((e) => e.payload.changedFields)).toEqual([[], [], ['currentChannel', 'firstRespondedAt'], []]);
    const [page] = await messagePagesByCase(em(), [found.id], { first: 10 });
    expect(page!.edges).toHaveLength(4);
    expect(await messageCountsByCase(em(), [found.id])).toEqual([4]);

    const long = await add({ channel: CaseChannel.EMAIL, direction: CaseMessageDirection.INBOUND, body: '😀'.repeat(MESSAGE_EXCERPT_LENGTH + 10) });
    expect(Array.from(long.body)).toHaveLength(MESSAGE_EXCERPT_LENGTH + 10);
    expect(Array.from(String((await outboxOf(orm, found.id)).at(-1)?.payload.body))).toHaveLength(MESSAGE_EXCERPT_LENGTH);
  });

  it('refuses a blank body, a customer message with a staff author, a staff message without one, and a closed case', async () => {
    let found = await openCaseByEmail();
    const add = (input: Partial<AddCaseMessageInput>) =>
      refusal(
        write((em) => addCaseMessage(em, { caseId: found.id, channel: CaseChannel.EMAIL, direction: CaseMessageDirection.INBOUND, body: 'x', ...input }, desk)),
      );
    expect(await add({ body: '   ' })).toMatchObject({ code: 'BAD_USER_INPUT', message: 'body must not be blank' });
    expect((await add({ authorUserId: randomUUID() })).message).toMatch(/leave authorUserId empty/);
    expect((await add({ direction: CaseMessageDirection.OUTBOUND })).message).toMatch(/needs the authorUserId/);
    for (const status of [CaseStatus.OPEN, CaseStatus.RESOLVED, CaseStatus.CLOSED]) {
      found = await write((em) => changeCaseStatus(em, found.id, found.version, { status }, desk));
    }
    expect((await add({})).message).toMatch(/is closed; open a new case instead/);
    expect(await messageCountsByCase(em(), [found.id])).toEqual([0]);
  });
});
