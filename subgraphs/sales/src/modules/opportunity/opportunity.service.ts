import type { EntityManager } from '@mikro-orm/postgresql';
import { notFound } from '../../../../kit/errors.js';
import { recordEvent } from '../../../../kit/events.js';
import { parseId } from '../../../../kit/ids.js';
import { requireNonNegative } from '../../../../kit/scalars.js';
import { Opportunity } from './opportunity.entity.js';
import type { CreateOpportunityInput } from './opportunity.inputs.js';

export async function getOpportunity(em: EntityManager, id: string): Promise<Opportunity> {
  const opportunity = await em.findOne(Opportunity, { id: parseId(id, 'Opportunity') });
  if (!opportunity) throw notFound('Opportunity', id);
  return opportunity;
}

export async function createOpportunity(em: EntityManager, input: CreateOpportunityInput): Promise<Opportunity> {
  requireNonNegative(input.amount, 'amount');
  const opportunity = em.create(Opportunity, {
    customerId: parseId(input.customerId, 'Customer', 'customerId'),
    ownerId: input.ownerId ? parseId(input.ownerId, 'User', 'ownerId') : null,
    title: input.title.trim(),
    stage: input.stage.trim(),
    amount: input.amount.amount,
    currency: input.amount.currency,
    expectedCloseDate: toIsoDate(input.expectedCloseDate),
  });
  recordEvent(em, {
    type: 'OpportunityCreated',
    aggregateType: 'Opportunity',
    aggregateId: opportunity.id,
    payload: { opportunityId: opportunity.id, customerId: opportunity.customerId, stage: opportunity.stage, ownerId: opportunity.ownerId },
  });
  await em.flush();
  return opportunity;
}

// graphql-scalars' LocalDate arrives as a string already; keep only the date part either way.
const toIsoDate = (value: unknown): string | null =>
  value == null ? null : value instanceof Date ? value.toISOString().slice(0, 10) : String(value).slice(0, 10);
