import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import {
  AddTeamMemberDocument,
  CreateCustomerDocument,
  CreateTeamDocument,
  CustomerChangedDocument,
  RemoveAccessRuleDocument,
  RevokeApiKeyDocument,
  SetAccessRuleDocument,
  UpdateCustomerDocument,
} from './generated/graphql.js';
import { eventually } from './helpers/eventually.js';
import { executeOk } from './helpers/graphql.js';
import { startPlatform, type Platform } from './helpers/platform.js';
import { setStaffActive } from './helpers/staff.js';
import { connect, subscribe } from './helpers/subscriptions.js';

// A socket authenticates once, in connection_init. A review found that a revoked API key and a deactivated person
// went on receiving events on a socket opened before (a key without expiry, for ever). Each socket's credential is
// now checked again when identity announces a change to users, teams, keys or access rules.

let platform: Platform;
let customerId: string;
beforeAll(async () => {
  platform = await startPlatform();
  const { createCustomer } = await executeOk(platform.gatewayUrl, CreateCustomerDocument, {
    input: { kind: 'PERSON', firstName: 'Live', lastName: 'Access', emails: [], phones: [] },
  });
  customerId = createCustomer.id;
});
afterAll(() => platform.stop());

const USER_VERSION = parse('query($id: ID!) { user(id: $id) { version } }') as TypedDocumentNode<{ user: { version: number } }, { id: string }>;
const SET_ROLE = parse(
  'mutation($id: ID!, $version: Int!, $role: StaffRole!) { updateUser(id: $id, version: $version, input: { role: $role }) { id } }',
) as TypedDocumentNode<unknown, { id: string; version: number; role: string }>;

/** A customerChanged subscription on its own socket, and the close code it ends with. */
async function following(authorization: string) {
  const client = connect(platform.wsUrl, authorization);
  const subscriber = subscribe(client, CustomerChangedDocument, { id: customerId });
  // Subscribed once a change reaches it (the socket opens and subscribes in the background).
  await eventually(async () => {
    await changeCustomer();
    await subscriber.waitFor(1, 1000);
  });
  return {
    subscriber,
    closedWith: subscriber.failure.then((error) => (error as { code?: number }).code),
    dispose: () => client.dispose(),
  };
}

/** A change of the customer: a new job title each time (the same one again changes nothing, and tells nobody). */
let changes = 0;
async function changeCustomer() {
  const jobTitle = `title ${++changes}`;
  const { customer } = await executeOk(
    platform.gatewayUrl,
    parse('query($id: ID!) { customer(id: $id) { version } }') as TypedDocumentNode<{ customer: { version: number } }, { id: string }>,
    { id: customerId },
  );
  await executeOk(platform.gatewayUrl, UpdateCustomerDocument, { id: customerId, version: customer.version, input: { jobTitle } });
}

describe('a live socket whose caller’s access changes', () => {
  it('closes with 4401 when its API key is revoked, and gets nothing after', async () => {
    const key = await platform.createApiKey(['events:subscribe', 'customers:read'], { name: 'Live partner' });
    const live = await following(key.authorization);
    try {
      await executeOk(platform.gatewayUrl, RevokeApiKeyDocument, { id: key.id, version: key.version });
      expect(await live.closedWith).toBe(4401);
      const received = live.subscriber.results.length;
      await changeCustomer();
      // The change is delivered to a socket still allowed to follow it; not to this one.
      const admin = await following(platform.admin.authorization);
      await admin.dispose();
      expect(live.subscriber.results).toHaveLength(received);
    } finally {
      await live.dispose();
    }
  });

  it('closes with 4401 when its person is deactivated', async () => {
    const marketer = await platform.createStaff('MARKETER');
    const live = await following(marketer.authorization);
    try {
      await setStaffActive(platform.gatewayUrl, marketer.id, false);
      expect(await live.closedWith).toBe(4401);
    } finally {
      await live.dispose();
      await setStaffActive(platform.gatewayUrl, marketer.id, true);
    }
  });

  it('closes with 4102 when its person’s role changes (reconnect: the new access applies), and stays open on other changes', async () => {
    const [rep, other] = await Promise.all([platform.createStaff('SALES_REP'), platform.createStaff('ANALYST')]);
    const live = await following(rep.authorization);
    try {
      // Someone else's change is checked too, and leaves this socket as it is.
      const { user } = await executeOk(platform.gatewayUrl, USER_VERSION, { id: other.id });
      await executeOk(platform.gatewayUrl, SET_ROLE, { id: other.id, version: user.version, role: 'MARKETER' });
      const seen = live.subscriber.results.length;
      await changeCustomer();
      await live.subscriber.waitFor(seen + 1);
      const { user: repUser } = await executeOk(platform.gatewayUrl, USER_VERSION, { id: rep.id });
      await executeOk(platform.gatewayUrl, SET_ROLE, { id: rep.id, version: repUser.version, role: 'SALES_MANAGER' });
      expect(await live.closedWith).toBe(4102);
    } finally {
      await live.dispose();
    }
  });

  it('closes with 4102 when its person’s team gains a member (the deals they see change)', async () => {
    const [rep, teammate] = await Promise.all([platform.createStaff('SALES_REP'), platform.createStaff('SALES_REP')]);
    const { createTeam } = await executeOk(platform.gatewayUrl, CreateTeamDocument, { input: { name: `Live ${rep.id.slice(0, 8)}`, memberIds: [rep.id] } });
    const live = await following(rep.authorization);
    try {
      await executeOk(platform.gatewayUrl, AddTeamMemberDocument, { teamId: createTeam.id, userId: teammate.id });
      expect(await live.closedWith).toBe(4102);
    } finally {
      await live.dispose();
    }
  });

  it('closes with 4403 when the hours its role’s access rule allows end, as a request would then be refused', async () => {
    // Hours that end at the next whole minute (at least 15 s away) on today's date, in a time zone not near midnight.
    const timeZone = ['UTC', 'Asia/Tokyo', 'America/New_York'].find((zone) => local(zone).minute < 23 * 60 + 57)!;
    const now = local(timeZone);
    const end = now.minute + (now.second >= 45 ? 2 : 1);
    const to = `${String(Math.floor(end / 60)).padStart(2, '0')}:${String(end % 60).padStart(2, '0')}`;
    const agent = await platform.createStaff('SERVICE_AGENT');
    const live = await following(agent.authorization);
    try {
      // Set while the socket is open: it is checked then (still within the hours) and again when they end.
      await executeOk(platform.gatewayUrl, SetAccessRuleDocument, {
        input: { scope: 'ROLE', role: 'SERVICE_AGENT', cidrs: [], hours: { from: '00:00', to, days: [now.day as never], timeZone } },
      });
      const seen = live.subscriber.results.length;
      await changeCustomer();
      await live.subscriber.waitFor(seen + 1);
      expect(await live.closedWith).toBe(4403);
      expect(Date.now()).toBeGreaterThanOrEqual(now.minuteStart + (end - now.minute) * 60_000);
    } finally {
      await live.dispose();
      await executeOk(platform.gatewayUrl, RemoveAccessRuleDocument, { scope: 'ROLE', role: 'SERVICE_AGENT' });
    }
  }, 150_000);
});

/** The weekday, minute of the day and second of `timeZone`'s clock now, and when (epoch ms) this minute began. */
function local(timeZone: string): { day: string; minute: number; second: number; minuteStart: number } {
  const at = new Date();
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const get = (type: string) => parts.find((part) => part.type === type)!.value;
  return {
    day: get('weekday').toUpperCase().slice(0, 3),
    minute: Number(get('hour')) * 60 + Number(get('minute')),
    second: Number(get('second')),
    minuteStart: at.getTime() - (at.getTime() % 60_000),
  };
}
