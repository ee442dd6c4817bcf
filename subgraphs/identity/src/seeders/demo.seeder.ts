import type { EntityManager } from '@mikro-orm/postgresql';
import { DEMO } from '../../../kit/demo-ids.js';
import type { Logger } from '../../../kit/logger.js';
import { Customer, CustomerKind } from '../modules/customer/customer.entity.js';
import { Identifier, IdentifierKind } from '../modules/customer/identifier.entity.js';
import { StaffRole, User } from '../modules/staff/user.entity.js';

/** Story 1 and 3 from the identity side: the dealer's staff and the customers they meet. Idempotent. */
export async function seedIdentityDemo(em: EntityManager, log: Logger): Promise<void> {
  if ((await em.count(Customer)) > 0) return;
  const staff: Array<[string, string, string, StaffRole]> = [
    [DEMO.users.manager, 'Petra Nováková', 'petra.novakova@autodealer.example', StaffRole.MANAGER],
    [DEMO.users.salesRep, 'Tomáš Dvořák', 'tomas.dvorak@autodealer.example', StaffRole.SALES_REP],
    [DEMO.users.serviceAgent, 'Jana Svobodová', 'jana.svobodova@autodealer.example', StaffRole.SERVICE_AGENT],
    [DEMO.users.marketer, 'Martin Král', 'martin.kral@autodealer.example', StaffRole.MARKETER],
  ];
  for (const [id, name, email, role] of staff) em.create(User, { id, name, email, role });

  const jan = em.create(Customer, { id: DEMO.customers.janNovak, kind: CustomerKind.PERSON, firstName: 'Jan', lastName: 'Novák' });
  const eva = em.create(Customer, { id: DEMO.customers.evaHorakova, kind: CustomerKind.PERSON, firstName: 'Eva', lastName: 'Horáková' });
  const fleet = em.create(Customer, { id: DEMO.customers.autoparkFleet, kind: CustomerKind.ORGANIZATION, organizationName: 'AutoPark Fleet s.r.o.' });
  const identifiers: Array<[Customer, IdentifierKind, string]> = [
    [jan, IdentifierKind.EMAIL, 'jan.novak@example.cz'],
    [jan, IdentifierKind.PHONE, '+420601123456'],
    [jan, IdentifierKind.DEVICE, DEMO.devices.phone],
    [jan, IdentifierKind.DEVICE, DEMO.devices.laptop],
    [eva, IdentifierKind.EMAIL, 'eva.horakova@example.cz'],
    [eva, IdentifierKind.SOCIAL, 'twitter:@eva_h'],
    [fleet, IdentifierKind.EMAIL, 'fleet@autopark.example'],
  ];
  for (const [customer, kind, value] of identifiers) em.create(Identifier, { customer, kind, value });
  await em.flush();
  log.info('identity demo data seeded');
}
