import type { EntityManager } from '@mikro-orm/postgresql';
import type { Viewer } from '@crm/kit/access/viewer.js';
import { badInput, conflict } from '@crm/kit/errors.js';
import { parseId } from '@crm/kit/ids.js';
import { getCase } from '../case/case.service.js';
import { CaseStatus } from '../case/case.enums.js';
import { recordCaseEvent } from '../case/case.events.js';
import { CaseMessage, CaseMessageDirection } from './case-message.entity.js';
import type { AddCaseMessageInput } from './case-message.inputs.js';

/** How much of a message body its event carries (a timeline entry, not the archive). */
export const MESSAGE_EXCERPT_LENGTH = 500;

// By code points, so an emoji at the cut is not split into half a surrogate pair.
export const excerpt = (body: string): string => Array.from(body).slice(0, MESSAGE_EXCERPT_LENGTH).join('');

/** Appends to the one history of a case; the first OUTBOUND message is the first response of the SLA. */
export async function addCaseMessage(em: EntityManager, input: AddCaseMessageInput, viewer?: Viewer): Promise<CaseMessage> {
  const found = await getCase(em, input.caseId, viewer);
  if (found.status === CaseStatus.CLOSED) throw conflict(`Case ${found.id} is closed; open a new case instead`, 'caseId');
  const body = input.body.trim();
  if (!body) throw badInput('body must not be blank', 'body');
  const fromCustomer = input.direction === CaseMessageDirection.INBOUND;
  if (fromCustomer && input.authorUserId) throw badInput('An INBOUND message comes from the customer; leave authorUserId empty', 'authorUserId');
  // A member of staff writing is the author unless they name a colleague.
  const authorUserId = fromCustomer ? null : (input.authorUserId ?? (viewer?.kind === 'user' ? viewer.id : null));
  if (!fromCustomer && !authorUserId) throw badInput(`A ${input.direction} message needs the authorUserId of the member of staff`, 'authorUserId');
  const message = em.create(CaseMessage, {
    caseId: found.id,
    channel: input.channel,
    direction: input.direction,
    authorCustomerId: fromCustomer ? found.customerId : null,
    authorUserId: authorUserId ? parseId(authorUserId, 'User', 'authorUserId') : null,
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
  recordCaseEvent(em, found, 'CaseMessageAdded', {
    messageId: message.id,
    messageChannel: message.channel,
    direction: message.direction,
    body: excerpt(body),
    sentAt: message.sentAt.toISOString(),
    changedFields,
  });
  await em.flush();
  return message;
}
