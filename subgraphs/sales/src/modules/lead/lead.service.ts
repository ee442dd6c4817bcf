import type { EntityManager } from '@mikro-orm/postgresql';
import { assertOwnsRow, ownerFor } from '@crm/kit/access/row-scope.js';
import type { Viewer } from '@crm/kit/access/viewer.js';
import { badInput, conflict, notFound } from '@crm/kit/errors.js';
import { recordEvent } from '@crm/kit/events.js';
import { parseId } from '@crm/kit/ids.js';
import type { MoneyInput } from '@crm/kit/scalars.js';
import { assertVersion } from '@crm/kit/versioning.js';
import type { Opportunity } from '../opportunity/opportunity.entity.js';
import { openOpportunity } from '../opportunity/opportunity.service.js';
import { getProduct } from '../product/product.service.js';
import { Lead, LeadStatus, type LeadSource } from './lead.entity.js';
import { scoreLead, type LeadScore } from './lead.scoring.js';
import type { CreateLeadInput } from './lead.inputs.js';
import { liveCustomerId } from '@crm/kit/customer-aliases.js';
import { findById } from '@crm/kit/rows.js';

/** The lead state machine: which status may follow which. CONVERTED is reached only through convertLead. */
const NEXT: Record<LeadStatus, LeadStatus[]> = {
  [LeadStatus.NEW]: [LeadStatus.CONTACTED, LeadStatus.DISQUALIFIED],
  [LeadStatus.CONTACTED]: [LeadStatus.QUALIFIED, LeadStatus.DISQUALIFIED],
  [LeadStatus.QUALIFIED]: [LeadStatus.CONVERTED, LeadStatus.DISQUALIFIED],
  [LeadStatus.CONVERTED]: [],
  [LeadStatus.DISQUALIFIED]: [],
};

/** A step the lead's status forbids is CONFLICT (the record's state, not the input, is what stands in the way). */
function assertTransition(lead: Lead, to: LeadStatus): void {
  if (!NEXT[lead.status as LeadStatus].includes(to)) {
    const allowed = NEXT[lead.status as LeadStatus].join(', ') || 'none (it is final)';
    throw conflict(`A ${lead.status} lead cannot become ${to}; allowed next: ${allowed}`);
  }
}

/** With a viewer, only a lead they may see (another team's is NOT_FOUND). */
export async function getLead(em: EntityManager, id: string, viewer?: Viewer): Promise<Lead> {
  const lead = await findById(em, Lead, parseId(id, 'Lead'));
  if (!lead) throw notFound('Lead', id);
  return assertOwnsRow(lead, viewer, 'Lead', id);
}

async function lockLead(em: EntityManager, id: string, version: number, viewer: Viewer): Promise<Lead> {
  const lead = await getLead(em, id, viewer);
  assertVersion(lead, version, 'Lead');
  return lead;
}

const base = (lead: Lead) => ({ aggregateId: lead.id });

export interface NewLead {
  source: LeadSource;
  customerId?: string | null;
  contactName?: string | null;
  contactEmail?: string | null;
  contactPhone?: string | null;
  requestedAppointment?: Date | null;
  interest?: string | null;
  interestProductId?: string | null;
  score?: number;
  ownerId?: string | null;
  submissionId?: string | null;
  submissionHash?: string | null;
  region?: string | null;
  pageUrl?: string | null;
}

/** Creates the lead with its LeadCreated event; the caller flushes (a web-form intake adds its own event to the transaction). */
export function openLead(em: EntityManager, fields: NewLead): Lead {
  const lead = em.create(Lead, { ...fields, score: fields.score ?? 0 });
  recordEvent(em, {
    ...base(lead),
    type: 'LeadCreated',
    payload: {
      leadId: lead.id,
      source: lead.source,
      customerId: lead.customerId ?? null,
      ownerId: lead.ownerId ?? null,
      interest: lead.interest ?? null,
      interestProductId: lead.interestProductId ?? null,
      requestedAppointment: lead.requestedAppointment?.toISOString() ?? null,
      score: lead.score,
    },
  });
  return lead;
}

export async function createLead(em: EntityManager, input: CreateLeadInput, viewer: Viewer): Promise<Lead> {
  if (!input.customerId && !input.contactName && !input.contactEmail && !input.contactPhone) {
    throw badInput('A lead needs a customerId or at least one contact detail (name, e-mail or phone)', 'customerId');
  }
  const interestProductId = input.interestProductId ? (await getProduct(em, input.interestProductId, 'interestProductId')).id : null;
  const lead = openLead(em, {
    source: input.source,
    customerId: input.customerId ? await liveCustomerId(em, parseId(input.customerId, 'Customer', 'customerId')) : null,
    contactName: input.contactName?.trim() ?? null,
    contactEmail: input.contactEmail?.trim() ?? null,
    contactPhone: input.contactPhone?.trim() ?? null,
    requestedAppointment: input.requestedAppointment ?? null,
    interest: input.interest?.trim() ?? null,
    interestProductId,
    score: input.score,
    ownerId: ownerFor(viewer, input.ownerId),
  });
  await em.flush();
  return lead;
}

export async function updateLeadStatus(
  em: EntityManager,
  id: string,
  version: number,
  status: LeadStatus,
  viewer: Viewer,
  reason?: string | null,
): Promise<Lead> {
  const lead = await lockLead(em, id, version, viewer);
  if (status === LeadStatus.CONVERTED) throw badInput('Use convertLead to convert a lead: it creates the opportunity', 'status');
  assertTransition(lead, status);
  if (status === LeadStatus.DISQUALIFIED && !reason?.trim()) throw badInput('Say why the lead is disqualified (reason)', 'reason');
  const from = lead.status;
  lead.status = status;
  lead.statusReason = reason?.trim() || null;
  recordEvent(em, {
    ...base(lead),
    type: 'LeadStatusChanged',
    payload: { leadId: lead.id, from, to: status, reason: lead.statusReason, ownerId: lead.ownerId ?? null },
  });
  await em.flush();
  return lead;
}

/** Hands the lead to a rep by hand. */
export async function assignLead(em: EntityManager, id: string, version: number, ownerId: string, viewer: Viewer): Promise<Lead> {
  const lead = await lockLead(em, id, version, viewer);
  return assignLeadTo(em, lead, ownerFor(viewer, ownerId)!, 'assigned by hand');
}

/** Gives the lead to a rep (by hand or by the routing rules) and says why. */
export async function assignLeadTo(em: EntityManager, lead: Lead, ownerId: string, reason: string): Promise<Lead> {
  if (lead.status === LeadStatus.CONVERTED || lead.status === LeadStatus.DISQUALIFIED) {
    throw conflict(`A ${lead.status} lead can no longer be assigned`, 'id');
  }
  const previousOwnerId = lead.ownerId ?? null;
  lead.ownerId = ownerId;
  lead.assignmentReason = reason;
  recordEvent(em, {
    ...base(lead),
    type: 'LeadAssigned',
    payload: { leadId: lead.id, customerId: lead.customerId ?? null, ownerId, previousOwnerId, reason },
  });
  await em.flush();
  return lead;
}

/** Routing found nobody: the lead waits in the unassigned queue, with the reason for a manager. */
export async function leaveLeadUnassigned(em: EntityManager, lead: Lead, reason: string): Promise<Lead> {
  lead.assignmentReason = reason;
  recordEvent(em, {
    ...base(lead),
    type: 'LeadLeftUnassigned',
    payload: { leadId: lead.id, customerId: lead.customerId ?? null, reason, ownerId: lead.ownerId ?? null },
  });
  await em.flush();
  return lead;
}

/** Identity resolved who sent the lead. */
export async function linkLeadToCustomer(em: EntityManager, lead: Lead, customerId: string): Promise<Lead> {
  if (lead.customerId === customerId) return lead;
  lead.customerId = customerId;
  recordEvent(em, {
    ...base(lead),
    type: 'LeadChanged',
    payload: { leadId: lead.id, customerId, changedFields: ['customerId'], ownerId: lead.ownerId ?? null },
  });
  await em.flush();
  return lead;
}

/** Scores the lead from what is known about it (LEAD_SCORING). */
export async function rescoreLead(em: EntityManager, lead: Lead): Promise<LeadScore> {
  const result = scoreLead({
    source: lead.source,
    requestedAppointment: lead.requestedAppointment != null,
    productInterest: lead.interestProductId != null,
    modelInterest: Boolean(lead.interest),
    regionKnown: Boolean(lead.region),
  });
  lead.score = result.score;
  recordEvent(em, {
    ...base(lead),
    type: 'LeadScored',
    payload: { leadId: lead.id, customerId: lead.customerId ?? null, ...result, ownerId: lead.ownerId ?? null },
  });
  await em.flush();
  return result;
}

export interface ConvertLeadOptions {
  pipelineId?: string | null;
  /** The expected value; the list price of the product of interest when omitted. */
  amount?: MoneyInput | null;
}

export async function convertLead(
  em: EntityManager,
  id: string,
  version: number,
  options: ConvertLeadOptions,
  viewer: Viewer,
): Promise<{ lead: Lead; opportunity: Opportunity }> {
  const lead = await lockLead(em, id, version, viewer);
  assertTransition(lead, LeadStatus.CONVERTED);
  if (!lead.customerId) throw badInput('Link the lead to a customer before converting it', 'id');
  const product = lead.interestProductId ? await getProduct(em, lead.interestProductId) : null;
  const amount = options.amount ?? (product ? product.listPrice() : null);
  if (!amount) throw badInput('Pass the expected amount: the lead names no product to take a price from', 'amount');
  const opportunity = await openOpportunity(
    em,
    {
      customerId: lead.customerId,
      title: lead.interest ?? `Inquiry from ${lead.contactName ?? 'customer'}`,
      pipelineId: options.pipelineId,
      ownerId: lead.ownerId,
      amount,
    },
    viewer,
  );
  lead.status = LeadStatus.CONVERTED;
  lead.convertedOpportunityId = opportunity.id;
  recordEvent(em, {
    ...base(lead),
    type: 'LeadConverted',
    payload: { leadId: lead.id, opportunityId: opportunity.id, customerId: lead.customerId, ownerId: lead.ownerId ?? null },
  });
  await em.flush(); // one transaction: the opportunity, its first stage, the lead and both events
  return { lead, opportunity };
}
