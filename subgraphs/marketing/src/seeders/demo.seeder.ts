import type { EntityManager } from '@mikro-orm/postgresql';
import { DEMO } from '../../../kit/demo-ids.js';
import type { Logger } from '../../../kit/logger.js';
import { Interaction, InteractionChannel as C, InteractionType as T } from '../modules/interaction/interaction.entity.js';

const daysAgo = (days: number, hour = 10) => new Date(Date.UTC(2026, 10, 20 - days, hour));

/** Story 1 and 3 as a timeline: anonymous browsing, the hotline call, the form, e-mails, a complaint. Idempotent. */
export async function seedMarketingDemo(em: EntityManager, log: Logger): Promise<void> {
  if ((await em.count(Interaction)) > 0) return;
  const jan = DEMO.customers.janNovak;
  const rows: Array<[string, string | null, C, T, Date, string, Record<string, unknown>]> = [
    [jan, DEMO.devices.phone, C.WEB, T.PAGE_VIEW, daysAgo(9, 19), 'website', { url: '/models/family-suv' }],
    [jan, DEMO.devices.phone, C.WEB, T.PAGE_VIEW, daysAgo(9, 20), 'website', { url: '/models/family-suv/configurator' }],
    [jan, null, C.PHONE, T.CALL, daysAgo(6, 9), 'telephony', { topic: 'Availability of the 7-seat SUV and trade-in of the old car', durationSec: 312 }],
    [jan, DEMO.devices.laptop, C.WEB, T.PAGE_VIEW, daysAgo(4, 21), 'website', { url: '/models/family-suv/financing' }],
    [jan, DEMO.devices.laptop, C.WEB, T.FORM_SUBMIT, daysAgo(4, 21), 'website', { form: 'test-drive', preferredSlot: '2026-11-21T15:00:00Z' }],
    [jan, null, C.EMAIL, T.MESSAGE_SENT, daysAgo(4, 22), 'email', { template: 'appointment-confirmation' }],
    [jan, null, C.EMAIL, T.MESSAGE_OPENED, daysAgo(3, 7), 'email', { template: 'appointment-confirmation' }],
    [jan, null, C.EMAIL, T.MESSAGE_CLICKED, daysAgo(3, 7), 'email', { template: 'appointment-confirmation', link: '/dealer/directions' }],
    [DEMO.customers.evaHorakova, null, C.SOCIAL, T.CASE_MESSAGE, daysAgo(2, 13), 'social', { text: 'My car is back from service and the AC still does not work!' }],
  ];
  for (const [customerId, anonymousId, channel, type, occurredAt, sourceSystem, properties] of rows) {
    em.create(Interaction, { customerId, anonymousId, channel, type, occurredAt, sourceSystem, properties });
  }
  await em.flush();
  log.info('marketing demo data seeded');
}
