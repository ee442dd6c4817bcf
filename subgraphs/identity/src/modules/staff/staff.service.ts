import type { EntityManager } from '@mikro-orm/postgresql';
import { conflict, notFound } from '@crm/kit/errors.js';
import { recordEvent } from '@crm/kit/events.js';
import { parseId } from '@crm/kit/ids.js';
import { Team, TeamMember } from './team.entity.js';
import type { CreateTeamInput } from './team.inputs.js';
import { User } from './user.entity.js';
import type { CreateUserInput, UpdateUserInput } from './user.inputs.js';
import { assertVersion } from '@crm/kit/versioning.js';

export async function getUser(em: EntityManager, id: string, field = 'id'): Promise<User> {
  const user = await em.findOne(User, { id: parseId(id, 'User', field) });
  if (!user) throw notFound('User', id);
  return user;
}

export async function getTeam(em: EntityManager, id: string, field = 'id'): Promise<Team> {
  const team = await em.findOne(Team, { id: parseId(id, 'Team', field) });
  if (!team) throw notFound('Team', id);
  return team;
}

export async function createUser(em: EntityManager, input: CreateUserInput): Promise<User> {
  const email = input.email.trim().toLowerCase();
  if (await em.count(User, { email })) throw conflict(`A user with e-mail ${email} already exists`);
  const subject = input.subject?.trim() || null;
  if (subject && (await em.count(User, { subject }))) throw conflict('Another user already signs in with this subject');
  const user = em.create(User, { name: input.name.trim(), email, role: input.role, subject, supportLines: [...new Set(input.supportLines)] });
  recordEvent(em, { type: 'UserCreated', aggregateId: user.id, payload: { userId: user.id, role: user.role, name: user.name } });
  await em.flush();
  return user;
}

/** Role, activity, sign-in subject and support lines: what decides what the user may do, effective at once. */
export async function updateUser(em: EntityManager, id: string, version: number, input: UpdateUserInput): Promise<User> {
  const user = await getUser(em, id);
  assertVersion(user, version, 'User');
  const changed: string[] = [];
  const set = <K extends 'name' | 'role' | 'active' | 'subject' | 'supportLines'>(key: K, value: User[K] | null | undefined) => {
    if (value === undefined || value === null || JSON.stringify(user[key]) === JSON.stringify(value)) return;
    user[key] = value;
    changed.push(key);
  };
  const subject = input.subject?.trim();
  if (subject && (await em.count(User, { subject, id: { $ne: user.id } }))) throw conflict('Another user already signs in with this subject');
  set('name', input.name?.trim());
  set('role', input.role);
  set('active', input.active);
  set('subject', subject);
  set('supportLines', input.supportLines ? [...new Set(input.supportLines)] : undefined);
  if (changed.length === 0) return user;
  recordEvent(em, {
    type: 'UserChanged',
    aggregateId: user.id,
    payload: { userId: user.id, role: user.role, active: user.active, changedFields: changed, name: user.name },
  });
  await em.flush();
  return user;
}

export async function createTeam(em: EntityManager, input: CreateTeamInput): Promise<Team> {
  const name = input.name.trim();
  if (await em.count(Team, { name })) throw conflict(`A team named "${name}" already exists`);
  const manager = input.managerId ? await getUser(em, input.managerId, 'managerId') : null;
  const members = await Promise.all([...new Set(input.memberIds)].map((id) => getUser(em, id, 'memberIds')));
  const team = em.create(Team, { name, managerId: manager?.id ?? null });
  for (const user of members) em.create(TeamMember, { team, user });
  recordEvent(em, {
    type: 'TeamCreated',
    aggregateId: team.id,
    payload: { teamId: team.id, name, managerId: team.managerId ?? null, memberIds: members.map((u) => u.id) },
  });
  await em.flush();
  return team;
}

export async function addTeamMember(em: EntityManager, teamId: string, userId: string): Promise<Team> {
  const team = await getTeam(em, teamId, 'teamId');
  const user = await getUser(em, userId, 'userId');
  if (await em.count(TeamMember, { team, user })) return team;
  em.create(TeamMember, { team, user });
  recordEvent(em, { type: 'TeamMemberAdded', aggregateId: team.id, payload: { teamId: team.id, userId: user.id } });
  await em.flush();
  return team;
}
