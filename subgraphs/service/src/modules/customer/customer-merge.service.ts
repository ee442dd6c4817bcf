import type { EntityManager } from '@mikro-orm/postgresql';
import { recordEvent } from '@crm/kit/events.js';
import { Case } from '../case/case.entity.js';
import { recordCaseEvent } from '../case/case.events.js';

export interface MovedServiceRecords {
  caseIds: string[];
  assetIds: string[];
  messages: number;
  contractMoved: boolean;
}

// A move is a change of the row: it bumps the optimistic-lock version like any update.
const MOVED = 'customer_id = ?, version = version + 1, updated_at = now()';

/**
 * After identity merged two customers: the merged customer's cases, the messages they wrote, their
 * assets and (when the survivor has none) their service contract now belong to the survivor.
 * One UPDATE per table; running it again moves nothing.
 */
export async function mergeServiceRecords(em: EntityManager, survivorId: string, mergedId: string): Promise<MovedServiceRecords> {
  const cases = await em.execute<Array<{ id: string }>>(`update support_case set ${MOVED} where customer_id = ? returning id`, [survivorId, mergedId], 'all');
  const messages = await em.execute<{ affectedRows: number }>(
    'update case_message set author_customer_id = ?, version = version + 1, updated_at = now() where author_customer_id = ?',
    [survivorId, mergedId],
    'run',
  );
  const assets = await em.execute<Array<{ id: string }>>(`update asset set ${MOVED} where customer_id = ? returning id`, [survivorId, mergedId], 'all');
  const contract = await em.execute<{ affectedRows: number }>(
    `update service_contract set ${MOVED} where customer_id = ? and not exists (select 1 from service_contract where customer_id = ?)`,
    [survivorId, mergedId, survivorId],
    'run',
  );
  const moved: MovedServiceRecords = {
    caseIds: cases.map((row) => row.id),
    assetIds: assets.map((row) => row.id),
    messages: messages.affectedRows,
    contractMoved: contract.affectedRows > 0,
  };
  if (moved.caseIds.length + moved.assetIds.length + moved.messages === 0 && !moved.contractMoved) return moved;

  for (const found of await em.find(Case, { id: { $in: moved.caseIds } })) {
    recordCaseEvent(em, found, 'CaseChanged', { changedFields: ['customerId'], previousCustomerId: mergedId });
  }
  recordEvent(em, {
    type: 'CustomerServiceRecordsMerged',
    aggregateId: survivorId,
    payload: { survivorId, mergedId, ...moved },
  });
  await em.flush();
  return moved;
}
