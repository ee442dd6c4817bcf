import type { EntityManager } from '@mikro-orm/postgresql';
import { DEMO } from '../../../kit/demo-ids.js';
import type { Logger } from '../../../kit/logger.js';
import { Consent, ConsentChannel, ConsentPurpose, ConsentStatus } from '../modules/consent/consent.entity.js';
import { Customer, CustomerCompanySize, CustomerGender, CustomerKind } from '../modules/customer/customer.entity.js';
import { Identifier, IdentifierKind } from '../modules/customer/identifier.entity.js';
import { Team, TeamMember } from '../modules/staff/team.entity.js';
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
  const users = staff.map(([id, name, email, role]) => em.create(User, { id, name, email, role }));
  const showroom = em.create(Team, { name: 'Prague showroom', managerId: DEMO.users.manager });
  for (const user of users.slice(0, 2)) em.create(TeamMember, { team: showroom, user });

  // Story 1: the family-car buyer, known by both anonymous devices once the web form linked them.
  const jan = em.create(Customer, {
    id: DEMO.customers.janNovak, kind: CustomerKind.PERSON, firstName: 'Jan', lastName: 'Novák',
    birthDate: '1986-04-12', gender: CustomerGender.MALE, occupation: 'Software engineer',
  });
  // Story 3: the customer who complains on a social channel first.
  const eva = em.create(Customer, { id: DEMO.customers.evaHorakova, kind: CustomerKind.PERSON, firstName: 'Eva', lastName: 'Horáková' });
  const fleet = em.create(Customer, {
    id: DEMO.customers.autoparkFleet, kind: CustomerKind.ORGANIZATION, organizationName: 'AutoPark Fleet s.r.o.',
    industry: 'Car rental', companySize: CustomerCompanySize.MEDIUM,
  });
  const fleetManager = em.create(Customer, {
    kind: CustomerKind.PERSON, firstName: 'Pavel', lastName: 'Černý', jobTitle: 'Fleet manager', organizationId: fleet.id,
  });
  const identifiers: Array<[Customer, IdentifierKind, string]> = [
    [jan, IdentifierKind.EMAIL, 'jan.novak@example.cz'],
    [jan, IdentifierKind.PHONE, '+420601123456'],
    [jan, IdentifierKind.DEVICE, DEMO.devices.phone],
    [jan, IdentifierKind.DEVICE, DEMO.devices.laptop],
    [eva, IdentifierKind.EMAIL, 'eva.horakova@example.cz'],
    [eva, IdentifierKind.SOCIAL, 'twitter:@eva_h'],
    [fleet, IdentifierKind.EMAIL, 'fleet@autopark.example'],
    [fleetManager, IdentifierKind.EMAIL, 'pavel.cerny@autopark.example'],
  ];
  for (const [customer, kind, value] of identifiers) em.create(Identifier, { customer, kind, value });
  const formSubmitted = new Date('2026-11-02T10:00:00Z');
  const consents: Array<[ConsentPurpose, ConsentChannel, ConsentStatus]> = [
    [ConsentPurpose.MARKETING, ConsentChannel.EMAIL, ConsentStatus.GRANTED],
    [ConsentPurpose.PROFILING, ConsentChannel.ANY, ConsentStatus.WITHDRAWN],
  ];
  for (const [purpose, channel, status] of consents) {
    em.create(Consent, { customer: jan, purpose, channel, status, source: 'web-form', textVersion: 'v3', givenAt: formSubmitted });
  }
  await em.flush();
  log.info('identity demo data seeded');
}
