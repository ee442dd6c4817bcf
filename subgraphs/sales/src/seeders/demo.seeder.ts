import type { EntityManager } from '@mikro-orm/postgresql';
import { DEMO } from '../../../kit/demo-ids.js';
import type { Logger } from '../../../kit/logger.js';
import { Opportunity } from '../modules/opportunity/opportunity.entity.js';

/** Story 1 from the sales side: Jan Novák's family-car opportunity and a fleet deal. Idempotent. */
export async function seedSalesDemo(em: EntityManager, log: Logger): Promise<void> {
  if ((await em.count(Opportunity)) > 0) return;
  em.create(Opportunity, {
    customerId: DEMO.customers.janNovak,
    ownerId: DEMO.users.salesRep,
    title: 'Family SUV for the Novák family',
    stage: 'First offer sent',
    amount: '899900.00',
    currency: 'CZK',
    expectedCloseDate: '2027-01-15',
  });
  em.create(Opportunity, {
    customerId: DEMO.customers.autoparkFleet,
    ownerId: DEMO.users.salesRep,
    title: 'Fleet renewal: 12 estate cars',
    stage: 'Qualification',
    amount: '7450000.00',
    currency: 'CZK',
    expectedCloseDate: '2027-03-31',
  });
  await em.flush();
  log.info('sales demo data seeded');
}
