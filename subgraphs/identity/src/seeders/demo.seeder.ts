import type { EntityManager } from '@mikro-orm/postgresql';
import { DEMO } from '@crm/demo/ids.js';
import type { Logger } from '@crm/kit/logger.js';
import { Consent, ConsentChannel, ConsentPurpose, ConsentStatus } from '../modules/consent/consent.entity.js';
import { Customer, CustomerCompanySize, CustomerGender, CustomerKind } from '../modules/customer/customer.entity.js';
import { Identifier, IdentifierKind } from '../modules/customer/identifier.entity.js';
import { Team, TeamMember } from '../modules/staff/team.entity.js';
import { StaffRole, User } from '../modules/staff/user.entity.js';

/**
 * The dealer's staff, one per role. Their `subject` is what the development issuer puts in their tokens
 * (`dev|<e-mail>`), so `npm start` can print a ready token for each. Kept up to date on every start.
 */
export const DEMO_STAFF: Array<{ id: string; name: string; email: string; role: StaffRole; supportLines?: string[] }> = [
  { id: DEMO.users.admin, name: 'Ivana Horká', email: 'ivana.horka@autodealer.example', role: StaffRole.ADMIN },
  { id: DEMO.users.manager, name: 'Petra Nováková', email: 'petra.novakova@autodealer.example', role: StaffRole.SALES_MANAGER },
  { id: DEMO.users.salesRep, name: 'Tomáš Dvořák', email: 'tomas.dvorak@autodealer.example', role: StaffRole.SALES_REP },
  { id: DEMO.users.serviceAgent, name: 'Jana Svobodová', email: 'jana.svobodova@autodealer.example', role: StaffRole.SERVICE_AGENT, supportLines: ['FIRST'] },
  { id: DEMO.users.marketer, name: 'Martin Král', email: 'martin.kral@autodealer.example', role: StaffRole.MARKETER },
  { id: DEMO.users.analyst, name: 'Lukáš Beneš', email: 'lukas.benes@autodealer.example', role: StaffRole.ANALYST },
];
export const demoSubject = (email: string) => `dev|${email}`;

async function seedDemoStaff(em: EntityManager): Promise<User[]> {
  const users: User[] = [];
  for (const person of DEMO_STAFF) {
    const user = (await em.findOne(User, { id: person.id })) ?? em.create(User, { id: person.id, name: person.name, email: person.email, role: person.role });
    user.subject ??= demoSubject(person.email);
    user.supportLines = person.supportLines ?? user.supportLines;
    users.push(user);
  }
  await em.flush();
  return users;
}

/** Story 1 and 3 from the identity side: the dealer's staff and the customers they meet. Idempotent. */
export async function seedIdentityDemo(em: EntityManager, log: Logger): Promise<void> {
  const users = await seedDemoStaff(em);
  if ((await em.count(Customer)) > 0) return;
  const showroom = em.create(Team, { name: 'Prague showroom', managerId: DEMO.users.manager });
  for (const user of users.filter((u) => u.id === DEMO.users.manager || u.id === DEMO.users.salesRep)) em.create(TeamMember, { team: showroom, user });

  // Story 1: the family-car buyer, known by both anonymous devices once the web form linked them.
  const jan = em.create(Customer, {
    id: DEMO.customers.janNovak,
    kind: CustomerKind.PERSON,
    firstName: 'Jan',
    lastName: 'Novák',
    birthDate: '1986-04-12',
    gender: CustomerGender.MALE,
    occupation: 'Software engineer',
  });
  // Story 3: the customer who complains on a social channel first.
  const eva = em.create(Customer, { id: DEMO.customers.evaHorakova, kind: CustomerKind.PERSON, firstName: 'Eva', lastName: 'Horáková' });
  const fleet = em.create(Customer, {
    id: DEMO.customers.autoparkFleet,
    kind: CustomerKind.ORGANIZATION,
    organizationName: 'AutoPark Fleet s.r.o.',
    industry: 'Car rental',
    companySize: CustomerCompanySize.MEDIUM,
  });
  const fleetManager = em.create(Customer, {
    kind: CustomerKind.PERSON,
    firstName: 'Pavel',
    lastName: 'Černý',
    jobTitle: 'Fleet manager',
    organizationId: fleet.id,
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
