import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  AdvanceSequenceEnrolmentDocument,
  CreateCustomerDocument,
  CreateSequenceDocument,
  EnrolInSequenceDocument,
  ExitSequenceDocument,
  SequenceEnrolmentsDocument,
} from './generated/graphql.js';
import { errorCodes, execute, executeOk } from './helpers/graphql.js';
import { startPlatform, type Platform } from './helpers/platform.js';

// Sequences through the gateway: enrolments as clients read them (their Customer and sequence), their moves and the
// refusals the API gives, among them input it validates before marketing sees it. Enrolling, the steps and the lists
// are tested on marketing's own database (subgraphs/marketing/test/sequence.int.test.ts).

let platform: Platform;
beforeAll(async () => {
  platform = await startPlatform();
});
afterAll(() => platform.stop());

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
const gql = <R, V>(document: Parameters<typeof executeOk<R, V>>[1], variables: V) => executeOk(platform.gatewayUrl, document, variables);
const attempt = <R, V>(document: Parameters<typeof execute<R, V>>[1], variables: V) => execute(platform.gatewayUrl, document, variables);

describe('sequences through the gateway', () => {
  it('enrols a customer, walks the steps, exits another, and refuses what the API does not take', async () => {
    const { createSequence: sequence } = await gql(CreateSequenceDocument, {
      input: {
        name: `Introduce the dealer ${randomUUID()}`,
        steps: [
          // Not due yet: the steps are advanced by hand here, with no scheduled send moving the enrolment meanwhile.
          { channel: 'EMAIL', template: 'welcome-from-your-dealer', delayHours: 24 },
          { channel: 'SMS', template: 'book-a-test-drive', delayHours: 120 },
        ],
      },
    });
    expect(sequence.steps.map((s) => [s.position, s.channel, s.template])).toEqual([
      [1, 'EMAIL', 'welcome-from-your-dealer'],
      [2, 'SMS', 'book-a-test-drive'],
    ]);
    const customer = async (firstName: string) =>
      (await gql(CreateCustomerDocument, { input: { kind: 'PERSON', firstName, lastName: 'Sequence', emails: [], phones: [] } })).createCustomer.id;
    const [walker, quitter] = [await customer('Walker'), await customer('Quitter')];
    let enrolment = (await gql(EnrolInSequenceDocument, { input: { sequenceId: sequence.id, customerId: walker } })).enrolInSequence;
    expect(enrolment).toMatchObject({ status: 'ACTIVE', currentStep: 1, customer: { id: walker }, sequence: { id: sequence.id, name: sequence.name } });
    expect(errorCodes(await attempt(EnrolInSequenceDocument, { input: { sequenceId: sequence.id, customerId: walker } }))).toEqual(['CONFLICT']);
    for (const expected of [
      [2, 'ACTIVE'],
      [2, 'COMPLETED'],
    ] as const) {
      enrolment = (await gql(AdvanceSequenceEnrolmentDocument, { id: enrolment.id, version: enrolment.version })).advanceSequenceEnrolment;
      expect([enrolment.currentStep, enrolment.status]).toEqual(expected);
    }
    const quit = (await gql(EnrolInSequenceDocument, { input: { sequenceId: sequence.id, customerId: quitter } })).enrolInSequence;
    const exited = await gql(ExitSequenceDocument, { id: quit.id, version: quit.version, input: { reason: 'Consent withdrawn' } });
    expect(exited.exitSequence).toMatchObject({ status: 'EXITED', exitReason: 'Consent withdrawn' });
    expect(errorCodes(await attempt(ExitSequenceDocument, { id: quit.id, version: exited.exitSequence.version }))).toEqual(['CONFLICT']);

    const completed = await gql(SequenceEnrolmentsDocument, { id: sequence.id, first: 10, filter: { statuses: ['COMPLETED'] } });
    expect(completed.sequence.enrolments).toMatchObject({ totalCount: 1, edges: [{ node: { customer: { id: walker } } }] });
    expect(errorCodes(await attempt(CreateSequenceDocument, { input: { name: 'Empty', steps: [] } }))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await attempt(EnrolInSequenceDocument, { input: { sequenceId: UNKNOWN_ID, customerId: walker } }))).toEqual(['NOT_FOUND']);
  });
});
