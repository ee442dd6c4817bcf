import type { EntityManager } from '@mikro-orm/postgresql';
import { LockMode } from '@mikro-orm/core';
import { badInput } from '@crm/kit/errors.js';
import { recordEvent } from '@crm/kit/events.js';
import { parseId } from '@crm/kit/ids.js';
import { Consent } from '../consent/consent.entity.js';
import { Customer } from './customer.entity.js';
import type { CustomerProfileInput } from './customer.inputs.js';
import { applyProfile, getCustomerRecord, mergedAway, recordCustomerChanged } from './customer.service.js';
import { Identifier } from './identifier.entity.js';

/**
 * Moves everything the merged customer holds (identifiers, consent history, organization members)
 * to the survivor and marks it `mergedInto` the survivor. The merged id keeps resolving to the
 * survivor, so other subgraphs can rewrite their rows whenever they process CustomerMerged.
 */
export async function mergeCustomers(em: EntityManager, survivorId: string, mergedId: string): Promise<Customer> {
  const survivorKey = parseId(survivorId, 'Customer', 'survivorId');
  const mergedKey = parseId(mergedId, 'Customer', 'mergedId');
  if (survivorKey === mergedKey) throw badInput('A customer cannot be merged into itself', 'mergedId');
  return em.transactional(async (tx) => {
    // Both rows locked, always in id order, before anything is read: merges touching the same customers run one
    // after the other (no deadlock), and the later one sees what the earlier did (A into B, then B into A fails).
    // One at a time, and a record merged away is refused as soon as it is locked, before waiting for the other:
    // a merge repointing earlier merges at its survivor (below) waits for that record, and whoever holds it must
    // not wait for that merge in turn (A into B, B into C, C into A at once would deadlock).
    const locked = new Map<string, Customer>();
    for (const key of [survivorKey, mergedKey].sort()) {
      const customer = (await tx.findOne(Customer, { id: key }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true })) ?? (await getCustomerRecord(tx, key));
      if (customer.mergedIntoId) throw mergedAway(customer, key === survivorKey ? 'survivorId' : 'mergedId');
      locked.set(key, customer);
    }
    const survivor = locked.get(survivorKey)!;
    const merged = locked.get(mergedKey)!;
    if (survivor.kind !== merged.kind) throw badInput('A person and an organization cannot be merged', 'mergedId');
    survivor.updatedAt = new Date();

    const moved = await tx.nativeUpdate(Identifier, { customer: merged.id }, { customer: survivor.id });
    await tx.nativeUpdate(Consent, { customer: merged.id }, { customer: survivor.id });
    await tx.nativeUpdate(Customer, { organizationId: merged.id }, { organizationId: survivor.id });
    // Earlier merges into the merged customer now point at the survivor: one hop from any old id.
    await tx.nativeUpdate(Customer, { mergedIntoId: merged.id }, { mergedIntoId: survivor.id });

    const profile: CustomerProfileInput = { ...merged, organizationId: merged.organizationId === survivor.id ? null : merged.organizationId };
    const filled = await applyProfile(tx, survivor, profile, 'fillBlanks');
    if (filled.length > 0) recordCustomerChanged(tx, survivor, filled);
    merged.mergedIntoId = survivor.id;
    recordEvent(tx, {
      type: 'CustomerMerged',
      aggregateId: survivor.id,
      payload: { survivorId: survivor.id, mergedId: merged.id, movedIdentifiers: moved },
    });
    await tx.flush();
    return survivor;
  });
}
