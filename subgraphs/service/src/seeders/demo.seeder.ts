import type { EntityManager } from '@mikro-orm/postgresql';
import { DEMO } from '../../../kit/demo-ids.js';
import type { Logger } from '../../../kit/logger.js';
import { Case, CaseChannel, CasePriority, CaseStatus } from '../modules/case/case.entity.js';

/** Story 3 from the service side: a complaint that started on social media. Idempotent. */
export async function seedServiceDemo(em: EntityManager, log: Logger): Promise<void> {
  if ((await em.count(Case)) > 0) return;
  em.create(Case, {
    customerId: DEMO.customers.evaHorakova,
    assigneeId: DEMO.users.serviceAgent,
    subject: 'Air conditioning still broken after service visit',
    description: 'Posted publicly on social media; moved to private chat.',
    channel: CaseChannel.SOCIAL,
    priority: CasePriority.HIGH,
    status: CaseStatus.OPEN,
  });
  await em.flush();
  log.info('service demo data seeded');
}
