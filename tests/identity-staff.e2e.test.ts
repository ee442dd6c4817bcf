import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AddTeamMemberDocument, CreateTeamDocument, CreateUserDocument, TeamDocument, TeamRosterDocument, UserTeamsDocument } from './generated/graphql.js';
import { errorCodes, execute, executeOk } from './helpers/graphql.js';
import { startPlatform, type Platform } from './helpers/platform.js';

// Identity's staff module through the gateway: teams and their members as the API answers them (the rules are tested
// on identity's own database in subgraphs/identity/test/staff.int.test.ts), and the batching of nested lists.

let platform: Platform;
let url: string;
beforeAll(async () => {
  platform = await startPlatform();
  url = platform.gatewayUrl;
});
afterAll(() => platform.stop());

const user = async (name: string, role: 'SALES_MANAGER' | 'SALES_REP' = 'SALES_REP') =>
  (await executeOk(url, CreateUserDocument, { input: { name, email: `${name.toLowerCase().replace(/\W/g, '.')}@dealer.example`, role } })).createUser;

describe('teams through the gateway', () => {
  it("answers a team with its manager and members, and a user's teams, paged by the client's arguments", async () => {
    const manager = await user('Team Manager', 'SALES_MANAGER');
    const rep = await user('Team Rep');
    const late = await user('Team Latecomer');
    const { createTeam } = await executeOk(url, CreateTeamDocument, {
      input: { name: 'Brno showroom', managerId: manager.id, memberIds: [manager.id, rep.id] },
    });
    expect(createTeam.manager).toEqual({ id: manager.id, name: 'Team Manager' });
    expect(createTeam.members.edges.map((e) => e.node.id).sort()).toEqual([manager.id, rep.id].sort());
    expect(createTeam.members.totalCount).toBe(2);
    const { addTeamMember } = await executeOk(url, AddTeamMemberDocument, { teamId: createTeam.id, userId: late.id });
    expect(addTeamMember.members.edges).toHaveLength(3);
    expect(addTeamMember.members.totalCount).toBe(3);

    const names = (page: { edges: Array<{ node: { name: string } }> }) => page.edges.map((e) => e.node.name);
    const first = (await executeOk(url, TeamDocument, { id: createTeam.id, first: 2 })).team;
    expect(first.manager?.id).toBe(manager.id);
    expect(names(first.members)).toEqual(['Team Latecomer', 'Team Manager']);
    expect(first.members.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const second = (await executeOk(url, TeamDocument, { id: createTeam.id, first: 2, after: first.members.pageInfo.endCursor })).team.members;
    expect(names(second)).toEqual(['Team Rep']);
    const back = (await executeOk(url, TeamDocument, { id: createTeam.id, last: 2, before: second.pageInfo.startCursor })).team.members;
    expect(names(back)).toEqual(['Team Latecomer', 'Team Manager']);

    const { user: found } = await executeOk(url, UserTeamsDocument, { id: late.id, first: 1 });
    expect(names(found.teams)).toEqual(['Brno showroom']);
    expect(found.teams.totalCount).toBe(1);
    expect(found.teams.pageInfo.hasNextPage).toBe(false);
    expect(errorCodes(await execute(url, TeamDocument, { id: createTeam.id, after: 'garbage' }))).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await execute(url, TeamDocument, { id: 'not-an-id' }))).toEqual(['BAD_USER_INPUT']);
  });
});

/** What the outbox relay runs in the background, beside the request being measured. */
const OUTBOX_RELAY = /\[query\] (begin|commit|rollback)\b|outbox_event|pg_try_advisory|pg_snapshot/;

describe('batching', () => {
  it('runs the same number of identity statements for the members and their teams of 2 teams as of 12', async () => {
    const users = [];
    for (let i = 0; i < 3; i++) {
      const name = `Roster Member ${i}`;
      users.push((await executeOk(url, CreateUserDocument, { input: { name, email: `roster.member.${i}@dealer.example`, role: 'SALES_REP' } })).createUser);
    }
    for (let i = 0; i < 12; i++) {
      const memberIds = users.slice(0, 1 + (i % 3)).map((u) => u.id);
      await executeOk(url, CreateTeamDocument, { input: { name: `A roster team ${String(i).padStart(2, '0')}`, memberIds } });
    }
    const statementsFor = async (first: number) => {
      await platform.resetSqlLog();
      const { teams } = await executeOk(url, TeamRosterDocument, { first });
      expect(teams.edges).toHaveLength(first);
      expect(teams.edges.every((e) => e.node.members.edges.every((m) => m.node.teams.totalCount >= 1))).toBe(true);
      return platform.sql.identity.filter((statement) => !OUTBOX_RELAY.test(statement)).length;
    };
    const few = await statementsFor(2);
    const many = await statementsFor(12);
    expect(many).toBe(few);
    // the teams page, then one page and one count statement for all members, and the same for all their teams
    expect(many).toBeLessThanOrEqual(5);
  });
});
