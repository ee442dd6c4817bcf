import { beforeAll, describe, expect, it } from '@jest/globals';
import { DEMO } from '@crm/demo/ids.js';
import { createLogger } from '@crm/kit/logger.js';
import { currentConsentsOf } from '../src/modules/consent/consent.queries.js';
import { memberCounts, membersPages } from '../src/modules/customer/customer.queries.js';
import { getCustomer } from '../src/modules/customer/customer.service.js';
import { Identifier } from '../src/modules/customer/identifier.entity.js';
import { memberCountsByTeam, membersPagesByTeam } from '../src/modules/staff/staff.queries.js';
import { getUser } from '../src/modules/staff/staff.service.js';
import { Team } from '../src/modules/staff/team.entity.js';
import { seedIdentityDemo } from '../src/seeders/demo.seeder.js';
import { useFreshIdentityDatabase } from './database.js';

const { em, write } = useFreshIdentityDatabase();
beforeAll(async () => {
  // In one transaction, as a subgraph starting with demo data runs it (kit/subgraph.ts).
  await write((em) => seedIdentityDemo(em, createLogger('seed')));
});

describe('the demo seed (Story 1 and 3)', () => {
  it('holds Jan Novák with both devices and his consents, AutoPark Fleet with a member, Eva with her social id, the showroom team', async () => {
    expect((await getCustomer(em(), DEMO.customers.janNovak)).displayName()).toBe('Jan Novák');
    const identifiers = async (customerId: string) => (await em().find(Identifier, { customer: customerId })).map((i) => `${i.kind}:${i.value}`).sort();
    expect(await identifiers(DEMO.customers.janNovak)).toEqual(
      [`DEVICE:${DEMO.devices.phone}`, `DEVICE:${DEMO.devices.laptop}`, 'EMAIL:jan.novak@example.cz', 'PHONE:+420601123456'].sort(),
    );
    const [consents] = await currentConsentsOf(em(), [DEMO.customers.janNovak]);
    expect(consents).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ purpose: 'MARKETING', channel: 'EMAIL', status: 'GRANTED', source: 'web-form', textVersion: 'v3' }),
        expect.objectContaining({ purpose: 'PROFILING', status: 'WITHDRAWN' }),
      ]),
    );
    expect((await identifiers(DEMO.customers.evaHorakova)).some((i) => i.startsWith('SOCIAL:'))).toBe(true);
    const [fleet] = await membersPages(em(), [DEMO.customers.autoparkFleet], {});
    expect(await memberCounts(em(), [DEMO.customers.autoparkFleet])).toEqual([1]);
    expect(fleet!.edges[0]?.node.organizationId).toBe(DEMO.customers.autoparkFleet);

    const showroom = await em().findOneOrFail(Team, { name: 'Prague showroom' });
    expect((await getUser(em(), showroom.managerId!)).name).toBe('Petra Nováková');
    const [members] = await membersPagesByTeam(em(), [showroom.id], {});
    expect(members!.edges.map((e) => e.node.role).sort()).toEqual(['SALES_MANAGER', 'SALES_REP']);
    expect(await memberCountsByTeam(em(), [showroom.id])).toEqual([2]);
  });

  it('is idempotent', async () => {
    await write((em) => seedIdentityDemo(em, createLogger('seed')));
    expect(await em().count(Team, { name: 'Prague showroom' })).toBe(1);
    expect(await em().count(Identifier, { customer: DEMO.customers.janNovak })).toBe(4);
  });
});
