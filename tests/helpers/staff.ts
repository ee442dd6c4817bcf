import { parse } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { executeOk } from './graphql.js';

const USER_VERSION = parse('query($id: ID!) { user(id: $id) { id version } }') as TypedDocumentNode<{ user: { id: string; version: number } }, { id: string }>;
const UPDATE_USER = parse(
  'mutation($id: ID!, $version: Int!, $input: UpdateUserInput!) { updateUser(id: $id, version: $version, input: $input) { id active } }',
) as TypedDocumentNode<{ updateUser: { id: string; active: boolean } }, { id: string; version: number; input: { active: boolean } }>;

/** Deactivates a member of staff (they left) or makes them active again, as an admin does, through the gateway. */
export async function setStaffActive(gatewayUrl: string, userId: string, active: boolean): Promise<void> {
  const { user } = await executeOk(gatewayUrl, USER_VERSION, { id: userId });
  await executeOk(gatewayUrl, UPDATE_USER, { id: userId, version: user.version, input: { active } });
}
