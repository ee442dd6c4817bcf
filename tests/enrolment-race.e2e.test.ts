import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CreateCustomerDocument, CreateSequenceDocument, EnrolInSequenceDocument } from './generated/graphql.js';
import { errorCodes, execute, executeOk } from './helpers/graphql.js';
import { startPlatform, type Platform } from './helpers/platform.js';

let platform: Platform;
beforeAll(async () => {
  platform = await startPlatform();
});
afterAll(() => platform.stop());

describe('sequence enrolment under concurrency', () => {
  it('lets only one of many simultaneous enrolments of a customer become ACTIVE', async () => {
    const { createSequence } = await executeOk(platform.gatewayUrl, CreateSequenceDocument, {
      // Due tomorrow: no step completes the enrolment while the test counts the ACTIVE ones.
      input: { name: `Race ${randomUUID()}`, steps: [{ channel: 'EMAIL', template: 'welcome-from-your-dealer', delayHours: 24 }] },
    });
    const { createCustomer } = await executeOk(platform.gatewayUrl, CreateCustomerDocument, {
      input: { kind: 'PERSON', firstName: 'Racer', emails: [], phones: [] },
    });
    const customerId = createCustomer.id;
    const attempts = await Promise.all(
      Array.from({ length: 8 }, () => execute(platform.gatewayUrl, EnrolInSequenceDocument, { input: { sequenceId: createSequence.id, customerId } })),
    );
    expect(attempts.filter((attempt) => attempt.data?.enrolInSequence)).toHaveLength(1);
    expect(
      attempts
        .filter((attempt) => !attempt.data)
        .flatMap(errorCodes)
        .every((code) => code === 'CONFLICT'),
    ).toBe(true);
    const [active] = await platform.subgraphs.marketing.orm.em
      .fork()
      .getConnection()
      .execute<Array<{ total: string }>>(`select count(*) as total from sequence_enrolment where customer_id = ? and status = 'ACTIVE'`, [customerId]);
    expect(Number(active!.total)).toBe(1);
  });
});
