import type { EntityManager } from '@mikro-orm/postgresql';
import { archived, badInput, notFound, conflict } from '@crm/kit/errors.js';
import { assertOwnsRow, ownerFor } from '@crm/kit/access/row-scope.js';
import type { Viewer } from '@crm/kit/access/viewer.js';
import { parseId } from '@crm/kit/ids.js';
import { requireNonNegative } from '@crm/kit/scalars.js';
import { assertVersion } from '@crm/kit/versioning.js';
import { Stage } from '../pipeline/pipeline.entity.js';
import { firstStageOf, getStage, resolvePipeline } from '../pipeline/pipeline.service.js';
import { Opportunity, OpportunityStatus } from './opportunity.entity.js';
import type { CreateOpportunityInput, UpdateOpportunityInput } from './opportunity.inputs.js';
import { cents } from '../../money.js';
import { recordOpportunityEvent } from './opportunity.events.js';
import { StageChange } from './stage-change.entity.js';
import { liveCustomerId } from '@crm/kit/customer-aliases.js';
import { closeFollowUps } from './opportunity.closing.js';
import { acceptedQuoteOf } from '../quote/quote.accepted.js';
import { findById } from '@crm/kit/rows.js';

/** With a viewer, only an opportunity they may see (another team's is NOT_FOUND, as if it did not exist). */
export async function getOpportunity(em: EntityManager, id: string, field = 'id', viewer?: Viewer): Promise<Opportunity> {
  const opportunity = await findById(em, Opportunity, parseId(id, 'Opportunity', field));
  if (!opportunity) throw notFound('Opportunity', id, field);
  return assertOwnsRow(opportunity, viewer, 'Opportunity', id);
}

const statusOf = (stage: Stage): OpportunityStatus => (stage.isWon ? OpportunityStatus.WON : stage.isLost ? OpportunityStatus.LOST : OpportunityStatus.OPEN);

async function startingStage(em: EntityManager, input: CreateOpportunityInput): Promise<Stage> {
  const pipeline = await resolvePipeline(em, input.pipelineId);
  if (input.stageId) {
    const stage = await getStage(em, input.stageId, 'stageId');
    if (stage.pipelineId !== pipeline.id) throw badInput(`Stage ${stage.id} is not a stage of pipeline "${pipeline.name}"`, 'stageId');
    return stage;
  }
  if (input.stage) {
    const stage = await em.findOne(Stage, { pipelineId: pipeline.id, name: { $ilike: input.stage.trim() } });
    if (!stage) throw badInput(`Pipeline "${pipeline.name}" has no stage named "${input.stage}"`, 'stage');
    return stage;
  }
  return firstStageOf(em, pipeline);
}

/** Creates the opportunity and its first stage-history row; the caller flushes (lead conversion shares the transaction). */
export async function openOpportunity(em: EntityManager, input: CreateOpportunityInput, viewer: Viewer): Promise<Opportunity> {
  requireNonNegative(input.amount, 'amount');
  const customerId = await liveCustomerId(em, parseId(input.customerId, 'Customer', 'customerId'));
  const ownerId = ownerFor(viewer, input.ownerId);
  const stage = await startingStage(em, input);
  const opportunity = em.create(Opportunity, {
    customerId,
    ownerId,
    title: input.title.trim(),
    pipelineId: stage.pipelineId,
    stageId: stage.id,
    status: statusOf(stage),
    probabilityOverride: input.probability ?? null,
    amount: cents(input.amount.amount),
    currency: input.amount.currency,
    expectedCloseDate: toIsoDate(input.expectedCloseDate),
  });
  em.create(StageChange, { opportunityId: opportunity.id, fromStageId: null, toStageId: stage.id, changedBy: viewer.id });
  await recordOpportunityEvent(em, opportunity, 'OpportunityCreated');
  return opportunity;
}

export async function createOpportunity(em: EntityManager, input: CreateOpportunityInput, viewer: Viewer): Promise<Opportunity> {
  const opportunity = await openOpportunity(em, input, viewer);
  await em.flush();
  return opportunity;
}

async function editable(em: EntityManager, id: string, version: number, viewer: Viewer): Promise<Opportunity> {
  const opportunity = await getOpportunity(em, id, 'id', viewer);
  assertVersion(opportunity, version, 'Opportunity');
  if (opportunity.archivedAt) throw archived('Opportunity', opportunity.id, 'id');
  return opportunity;
}

/** `followUpAt`: when the owner agreed to contact the customer next (kept as nextContactAt, carried in the event). */
export async function moveOpportunity(
  em: EntityManager,
  id: string,
  version: number,
  stageId: string,
  viewer: Viewer,
  followUpAt?: Date | null,
): Promise<Opportunity> {
  const opportunity = await editable(em, id, version, viewer);
  await changeStage(em, opportunity, await getStage(em, stageId, 'stageId'), viewer, followUpAt);
  await em.flush();
  return opportunity;
}

/**
 * Moves an opportunity the caller has read (and checked) to another stage of its pipeline, with its history row and
 * events; reaching a WON or LOST stage also closes its open follow-ups. The caller flushes (an accepted quote that
 * wins the deal shares the transaction).
 */
export async function changeStage(em: EntityManager, opportunity: Opportunity, to: Stage, viewer: Viewer, followUpAt?: Date | null): Promise<void> {
  if (to.pipelineId !== opportunity.pipelineId) throw badInput(`Stage ${to.id} belongs to another pipeline`, 'stageId');
  if (to.id === opportunity.stageId) throw conflict(`Opportunity ${opportunity.id} is already in stage "${to.name}"`, 'stageId');
  if (followUpAt && followUpAt.getTime() <= Date.now()) throw badInput('followUpAt must be in the future', 'followUpAt');
  const from = opportunity.stageId;
  opportunity.stageId = to.id;
  opportunity.status = statusOf(to);
  if (followUpAt) opportunity.nextContactAt = followUpAt;
  em.create(StageChange, { opportunityId: opportunity.id, fromStageId: from, toStageId: to.id, changedBy: viewer.id });
  await recordOpportunityEvent(em, opportunity, 'OpportunityStageChanged', {
    fromStageId: from,
    toStageId: to.id,
    changedBy: viewer.id,
    followUpAt: followUpAt?.toISOString() ?? null,
  });
  if (opportunity.status === OpportunityStatus.WON) {
    await recordOpportunityEvent(em, opportunity, 'OpportunityWon', { acceptedQuote: await acceptedQuoteOf(em, opportunity.id) });
  }
  if (opportunity.status === OpportunityStatus.LOST) await recordOpportunityEvent(em, opportunity, 'OpportunityLost');
  if (opportunity.status !== OpportunityStatus.OPEN) await closeFollowUps(em, opportunity);
}

/** The first WON stage of the opportunity's pipeline (in pipeline order): where an accepted quote wins the deal. */
export async function wonStageOf(em: EntityManager, opportunity: Opportunity): Promise<Stage> {
  const stage = await em.findOne(Stage, { pipelineId: opportunity.pipelineId, isWon: true }, { orderBy: { position: 'asc' } });
  if (!stage) throw badInput(`The opportunity's pipeline has no WON stage to move it to`, 'input.winOpportunity');
  return stage;
}

export async function updateOpportunity(em: EntityManager, id: string, version: number, input: UpdateOpportunityInput, viewer: Viewer): Promise<Opportunity> {
  const opportunity = await editable(em, id, version, viewer);
  const changes: Partial<Opportunity> = {};
  if (input.title != null) changes.title = input.title.trim();
  if (input.amount != null) {
    requireNonNegative(input.amount, 'amount');
    changes.amount = cents(input.amount.amount);
    changes.currency = input.amount.currency;
  }
  if (input.ownerId !== undefined) changes.ownerId = input.ownerId ? ownerFor(viewer, input.ownerId) : null;
  if (input.expectedCloseDate !== undefined) changes.expectedCloseDate = toIsoDate(input.expectedCloseDate);
  if (input.probability !== undefined) changes.probabilityOverride = input.probability;
  const changedFields = (Object.keys(changes) as Array<keyof Opportunity>).filter((key) => changes[key] !== opportunity[key]);
  if (changedFields.length === 0) return opportunity;
  Object.assign(opportunity, changes);
  await recordOpportunityEvent(em, opportunity, 'OpportunityChanged', {
    changedFields,
    values: Object.fromEntries(changedFields.map((key) => [key, opportunity[key]])),
  });
  await em.flush();
  return opportunity;
}

export async function archiveOpportunity(em: EntityManager, id: string, version: number, viewer: Viewer): Promise<Opportunity> {
  const opportunity = await editable(em, id, version, viewer);
  opportunity.archivedAt = new Date();
  await recordOpportunityEvent(em, opportunity, 'OpportunityChanged', { changedFields: ['archivedAt'], archivedAt: opportunity.archivedAt.toISOString() });
  await em.flush();
  return opportunity;
}

// graphql-scalars' LocalDate arrives as a string already; keep only the date part either way.
export const toIsoDate = (value: unknown): string | null =>
  value == null ? null : value instanceof Date ? value.toISOString().slice(0, 10) : String(value).slice(0, 10);
