import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput } from '../../../../kit/errors.js';
import { recordEvent } from '../../../../kit/events.js';
import { parseId } from '../../../../kit/ids.js';
import { getCase } from '../case/case.service.js';
import { CaseStatus } from '../case/case.enums.js';
import { CaseMessage, CaseMessageDirection } from './case-message.entity.js';
import type { AddCaseMessageInput } from './case-message.inputs.js';

/** Appends to the one history of a case; the first OUTBOUND message is the first response of the SLA. */
export async function addCaseMessage(em: EntityManager, input: AddCaseMessageInput): Promise<CaseMessage> {
  const found = await getCase(em, input.caseId);
  if (found.status === CaseStatus.CLOSED) throw badInput(`Case ${found.id} is closed; open a new case instead`, 'caseId');
  const body = input.body.trim();
  if (!body) throw badInput('body must not be blank', 'body');
  const fromCustomer = input.direction === CaseMessageDirection.INBOUND;
  if (fromCustomer && input.authorUserId) throw badInput('An INBOUND message comes from the customer; leave authorUserId empty', 'authorUserId');
  if (!fromCustomer && !input.authorUserId) throw badInput(`A ${input.direction} message needs the authorUserId of the member of staff`, 'authorUserId');
  const message = em.create(CaseMessage, {
    caseId: found.id,
    channel: input.channel,
    direction: input.direction,
    authorCustomerId: fromCustomer ? found.customerId : null,
    authorUserId: fromCustomer ? null : parseId(input.authorUserId!, 'User', 'authorUserId'),
    body,
    sentAt: input.sentAt ?? new Date(),
  });
  const changedFields: string[] = [];
  if (input.direction !== CaseMessageDirection.INTERNAL_NOTE && found.currentChannel !== input.channel) {
    found.currentChannel = input.channel;
    changedFields.push('currentChannel');
  }
  if (input.direction === CaseMessageDirection.OUTBOUND && !found.firstRespondedAt) {
    found.firstRespondedAt = message.sentAt;
    changedFields.push('firstRespondedAt');
  }
  recordEvent(em, {
    type: 'CaseMessageAdded',
    aggregateType: 'Case',
    aggregateId: found.id,
    payload: { caseId: found.id, messageId: message.id, channel: message.channel, direction: message.direction, changedFields },
  });
  await em.flush();
  return message;
}
