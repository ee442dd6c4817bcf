import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { catalogEvent } from '../../../tests/helpers/events.js';
import { deliver, outboxTypes } from '../../../tests/helpers/integration.js';
import { customerMergeHandler } from '../src/modules/customer/customer.handlers.js';
import { InteractionChannel as C, InteractionType as T } from '../src/modules/interaction/interaction.entity.js';
import { timelinePages } from '../src/modules/interaction/interaction.queries.js';
import { recordInteraction } from '../src/modules/interaction/interaction.service.js';
import { messageSendCounts } from '../src/modules/messaging/message-send.queries.js';
import { queueMessage } from '../src/modules/messaging/message-send.service.js';
import { RecordingChannel } from '../src/modules/messaging/outbound.channel.js';
import { upsertConsentStates } from '../src/modules/projection/projection.service.js';
import { enrolmentCounts } from '../src/modules/sequence/sequence.queries.js';
import { createSequence, enrolInSequence } from '../src/modules/sequence/sequence.service.js';
import { answerSurvey } from '../src/modules/survey/survey.service.js';
import { deliverQueued, useFreshMarketingDatabase } from './database.js';

// identity's CustomerMerged handled on marketing's own database: the survivor gets what marketing knew about both.
// Over the bus, on the survivor's Customer through the gateway: tests/automation-marketing-journey.e2e.test.ts.

const { orm, em, write } = useFreshMarketingDatabase();

const count = async (table: string, customerId: string) =>
  Number((await em().execute<Array<{ n: string }>>(`select count(*) as n from ${table} where customer_id = ?`, [customerId]))[0]!.n);

describe('CustomerMerged moves marketing rows to the survivor', () => {
  it("shows the merged customer's interactions, sends, enrolments, surveys and consents on the survivor", async () => {
    const [survivor, merged] = [randomUUID(), randomUUID()];
    await upsertConsentStates(em(), [{ customerId: merged, purpose: 'SERVICE_COMMUNICATION', channel: 'EMAIL', granted: true, changedAt: new Date() }]);
    await recordInteraction(em(), { customerId: merged, channel: C.WEB, type: T.FORM_SUBMIT, sourceSystem: 'identity', externalEventId: randomUUID() });
    await write((em) =>
      queueMessage(em, {
        customerId: merged,
        purpose: 'SERVICE_COMMUNICATION',
        template: 'appointment-confirmation',
        recipient: `merged.${randomUUID()}@example.com`,
      }),
    );
    await deliverQueued(orm(), new RecordingChannel());
    const sequence = await write((em) =>
      createSequence(em, { name: `Merge test ${randomUUID()}`, steps: [{ channel: C.EMAIL, template: 'welcome-from-your-dealer', delayHours: 0 }] }),
    );
    await write((em) => enrolInSequence(em, { sequenceId: sequence.id, customerId: merged }));
    await write((em) => answerSurvey(em, { customerId: merged, score: 10, channel: C.EMAIL }));

    const event = catalogEvent('CustomerMerged', survivor, { survivorId: survivor, mergedId: merged, movedIdentifiers: 0 });
    expect(await deliver(orm(), customerMergeHandler, event)).toBe(true);

    const [timeline] = await timelinePages(em(), [survivor], null, { first: 10 });
    expect(timeline!.edges.map((e) => e.node.type).sort()).toEqual(['FORM_SUBMIT', 'MESSAGE_SENT', 'SURVEY_RESPONSE']);
    expect(await messageSendCounts(em(), [survivor], null)).toEqual([1]);
    expect(await enrolmentCounts(em(), 'customerId', [survivor], null)).toEqual([1]);
    for (const table of ['interaction', 'message_send', 'sequence_enrolment', 'survey_response', 'consent_state']) {
      expect([table, await count(table, merged)]).toEqual([table, 0]);
    }
    const consents = await em().execute<Array<{ purpose: string }>>('select purpose from consent_state where customer_id = ?', [survivor]);
    expect(consents.map((c) => c.purpose)).toEqual(['SERVICE_COMMUNICATION']);
    expect(await outboxTypes(orm(), survivor)).toContain('CustomerDataMoved');
  });
});
