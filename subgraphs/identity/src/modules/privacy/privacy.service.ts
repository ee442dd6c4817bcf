import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Viewer } from '@crm/kit/access/viewer.js';
import { recordAudit } from '@crm/kit/audit.js';
import { badInput, notFound } from '@crm/kit/errors.js';
import { recordEvent } from '@crm/kit/events.js';
import type { GraphClient } from '@crm/kit/graph-client.js';
import { parseId } from '@crm/kit/ids.js';
import { exportPersonalData } from '@crm/kit/privacy.js';
import { Customer } from '../customer/customer.entity.js';
import { getCustomer } from '../customer/customer.service.js';
import { ERASING_SUBGRAPHS, ErasureRequest, ErasureStatus } from './erasure-request.entity.js';
import { identityPersonalData } from './privacy.tables.js';

/** The person behind an id: the customer it resolves to and every record merged into it. */
async function personIds(em: EntityManager, customerId: string): Promise<{ customer: Customer; ids: string[] }> {
  const customer = await getCustomer(em, customerId);
  const merged = await em.find(Customer, { mergedIntoId: customer.id }, { fields: ['id'] });
  return { customer, ids: [customer.id, ...merged.map((m) => m.id)] };
}

const EXPORTERS = ['sales', 'marketing', 'service'] as const;

/**
 * Everything the platform holds about a person, as one machine-readable document: identity's part read here, every
 * other subgraph's part from its own exporter through its API. The export itself is recorded in the audit log.
 */
export async function exportCustomerData(em: EntityManager, graph: GraphClient, customerId: string, viewer: Viewer, requestId: string) {
  const { customer, ids } = await personIds(em, customerId);
  const parts = await Promise.all(
    EXPORTERS.map(async (subgraph) => {
      const data = await graph.query<Record<string, unknown>>(subgraph, `query($ids: [ID!]!) { part: ${subgraph}PersonalData(customerIds: $ids) }`, { ids });
      return [subgraph, data.part] as const;
    }),
  );
  const audit = em.fork();
  recordAudit(audit, {
    at: new Date().toISOString(),
    actorId: viewer.id,
    actorKind: viewer.kind,
    operation: 'PERSONAL_DATA_EXPORTED',
    outcome: 'DONE',
    entityType: 'Customer',
    entityId: customer.id,
    requestId,
    clientIp: viewer.ip,
    service: 'identity',
    details: { customerIds: ids },
  });
  await audit.flush();
  return {
    format: 'crm-personal-data-export/1',
    exportedAt: new Date().toISOString(),
    customerId: customer.id,
    customerIds: ids,
    identity: await exportPersonalData(em, identityPersonalData, ids),
    ...Object.fromEntries(parts),
  };
}

/** Starts the erasure of a person in every subgraph: one durable event, carried out by each for its own data. */
export async function requestErasure(em: EntityManager, customerId: string, reason: string, viewer: Viewer): Promise<ErasureRequest> {
  if (!reason.trim()) throw badInput('Say why the data is erased (e.g. the request it answers)', 'reason');
  const { customer, ids } = await personIds(em, parseId(customerId, 'Customer', 'customerId'));
  const open = await em.findOne(ErasureRequest, { customerId: customer.id, status: ErasureStatus.IN_PROGRESS });
  if (open) return open;
  const request = em.create(ErasureRequest, { customerId: customer.id, customerIds: ids, reason: reason.trim(), requestedBy: viewer.id });
  recordEvent(em, { type: 'CustomerErasureRequested', aggregateId: request.id, payload: { erasureId: request.id, customerIds: ids } });
  await em.flush();
  return request;
}

export async function getErasureRequest(em: EntityManager, id: string): Promise<ErasureRequest> {
  const request = await em.findOne(ErasureRequest, { id: parseId(id, 'ErasureRequest') });
  if (!request) throw notFound('ErasureRequest', id);
  return request;
}

/** A subgraph reported its part; the request is complete once every subgraph has. */
export async function recordErasureProgress(em: EntityManager, erasureId: string, subgraph: string, counts: unknown): Promise<void> {
  const request = await em.findOne(ErasureRequest, { id: erasureId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
  if (!request || request.progress[subgraph]) return;
  request.progress = { ...request.progress, [subgraph]: { erasedAt: new Date().toISOString(), counts } };
  if (ERASING_SUBGRAPHS.every((name) => request.progress[name])) {
    request.status = ErasureStatus.COMPLETED;
    request.completedAt = new Date();
  }
  await em.flush();
}

/** The erasures a subgraph has not reported yet (it asks when it missed the events). */
export async function erasuresOwedBy(em: EntityManager, subgraph: string): Promise<ErasureRequest[]> {
  const open = await em.find(ErasureRequest, { status: ErasureStatus.IN_PROGRESS }, { orderBy: { createdAt: 'asc' } });
  return open.filter((request) => !request.progress[subgraph]);
}
