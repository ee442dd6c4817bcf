import { describe, expect, it } from '@jest/globals';
import { outboxTypes, refusal } from '../../../tests/helpers/integration.js';
import { UNKNOWN_ID } from '../../../tests/helpers/subgraph-database.js';
import { StaffRole } from '../src/modules/staff/user.entity.js';
import { memberCountsByTeam, membersPagesByTeam, teamCountsByUser, teamsPagesByUser } from '../src/modules/staff/staff.queries.js';
import { addTeamMember, createTeam, createUser, getTeam } from '../src/modules/staff/staff.service.js';
import { useFreshIdentityDatabase } from './database.js';

const { orm, em, write } = useFreshIdentityDatabase();

const user = (name: string, role = StaffRole.SALES_REP) =>
  write((em) => createUser(em, { name, email: `${name.toLowerCase().replace(/\W/g, '.')}@dealer.example`, role, supportLines: [] }));
const names = (page: { edges: Array<{ node: { name: string } }> } | undefined) => page!.edges.map((e) => e.node.name);

describe('staff teams', () => {
  it('creates a team with a manager and members, adds one, and lists teams per user', async () => {
    const manager = await user('Team Manager', StaffRole.SALES_MANAGER);
    const rep = await user('Team Rep');
    const late = await user('Team Latecomer');
    const team = await write((em) => createTeam(em, { name: 'Brno showroom', managerId: manager.id, memberIds: [manager.id, rep.id] }));
    expect(team.managerId).toBe(manager.id);
    const [members] = await membersPagesByTeam(em(), [team.id], {});
    expect(members!.edges.map((e) => e.node.id).sort()).toEqual([manager.id, rep.id].sort());
    expect(await memberCountsByTeam(em(), [team.id])).toEqual([2]);
    await write((em) => addTeamMember(em, team.id, late.id));
    // Adding a member twice changes nothing.
    await write((em) => addTeamMember(em, team.id, late.id));
    expect(await memberCountsByTeam(em(), [team.id])).toEqual([3]);
    expect(names((await membersPagesByTeam(em(), [team.id], {}))[0])).toEqual(['Team Latecomer', 'Team Manager', 'Team Rep']);
    expect(names((await teamsPagesByUser(em(), [late.id], {}))[0])).toEqual(['Brno showroom']);
    expect(await teamCountsByUser(em(), [late.id])).toEqual([1]);
    expect(await outboxTypes(orm(), team.id)).toEqual(['TeamCreated', 'TeamMemberAdded']);
  });

  it('pages members and teams by name in both directions with keyset cursors', async () => {
    const [ada, bob, cyril] = [await user('Paging Ada'), await user('Paging Bob'), await user('Paging Cyril')];
    const alpha = await write((em) => createTeam(em, { name: 'Paging Alpha', memberIds: [cyril.id, ada.id, bob.id] }));
    await write((em) => createTeam(em, { name: 'Paging Beta', memberIds: [ada.id] }));
    await write((em) => createTeam(em, { name: 'Paging Gamma', memberIds: [ada.id, bob.id] }));
    const members = async (page: { first?: number; after?: string | null; last?: number; before?: string | null }) =>
      (await membersPagesByTeam(em(), [alpha.id], page))[0]!;

    const first = await members({ first: 2 });
    expect(names(first)).toEqual(['Paging Ada', 'Paging Bob']);
    expect(await memberCountsByTeam(em(), [alpha.id])).toEqual([3]);
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const second = await members({ first: 2, after: first.pageInfo.endCursor });
    expect(names(second)).toEqual(['Paging Cyril']);
    expect(second.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    expect(names(await members({ last: 2, before: second.pageInfo.startCursor }))).toEqual(['Paging Ada', 'Paging Bob']);
    const tail = await members({ last: 1 });
    expect(names(tail)).toEqual(['Paging Cyril']);
    expect(tail.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });

    const [teams] = await teamsPagesByUser(em(), [ada.id], { first: 2 });
    expect(names(teams)).toEqual(['Paging Alpha', 'Paging Beta']);
    expect(await teamCountsByUser(em(), [ada.id])).toEqual([3]);
    const [more] = await teamsPagesByUser(em(), [ada.id], { first: 2, after: teams!.pageInfo.endCursor });
    expect(names(more)).toEqual(['Paging Gamma']);
    expect(more!.pageInfo.hasNextPage).toBe(false);
    expect((await refusal(members({ after: 'garbage' }))).code).toBe('BAD_USER_INPUT');
  });

  it('counts and pages by a parent id in any letter case, as PostgreSQL reads a uuid', async () => {
    const [ada, bob] = [await user('Case Ada'), await user('Case Bob')];
    const team = await write((em) => createTeam(em, { name: 'Case showroom', memberIds: [ada.id, bob.id] }));
    const upper = team.id.toUpperCase();
    expect(await memberCountsByTeam(em(), [upper, team.id])).toEqual([2, 2]);
    expect(names((await membersPagesByTeam(em(), [upper], {}))[0])).toEqual(['Case Ada', 'Case Bob']);
    expect(await teamCountsByUser(em(), [ada.id.toUpperCase()])).toEqual([1]);
  });

  it('rejects a duplicate name, unknown users and malformed ids', async () => {
    await write((em) => createTeam(em, { name: 'Prague showroom', memberIds: [] }));
    const duplicate = await refusal(write((em) => createTeam(em, { name: ' Prague showroom ', memberIds: [] })));
    expect(duplicate).toMatchObject({ code: 'CONFLICT', message: 'A team named "Prague showroom" already exists' });
    expect((await refusal(write((em) => createTeam(em, { name: 'Ghost team', managerId: UNKNOWN_ID, memberIds: [] })))).code).toBe('NOT_FOUND');
    expect((await refusal(write((em) => createTeam(em, { name: 'Ghost members', memberIds: [UNKNOWN_ID] })))).code).toBe('NOT_FOUND');
    expect((await refusal(getTeam(em(), 'not-an-id'))).code).toBe('BAD_USER_INPUT');
    const someone = await user('Someone Else', StaffRole.MARKETER);
    expect((await refusal(write((em) => addTeamMember(em, UNKNOWN_ID, someone.id)))).code).toBe('NOT_FOUND');
    expect(
      (await refusal(write((em) => createUser(em, { name: 'Twin', email: 'SOMEONE.ELSE@dealer.example', role: StaffRole.ANALYST, supportLines: [] })))).code,
    ).toBe('CONFLICT');
  });
});
