import { consumerEntities } from '@crm/kit/consumer.js';
import { mutationEntities } from '@crm/kit/mutations.js';
import { OutboxCommitOrder, OutboxEvent } from '@crm/kit/events.js';
import { Consent } from './modules/consent/consent.entity.js';
import { Customer } from './modules/customer/customer.entity.js';
import { Identifier } from './modules/customer/identifier.entity.js';
import { Team, TeamMember } from './modules/staff/team.entity.js';
import { User } from './modules/staff/user.entity.js';
import { ApiKey } from './modules/access/api-key.entity.js';
import { AccessRule } from './modules/access/access-rule.entity.js';
import { AuditEntry } from './modules/audit/audit-entry.entity.js';
import { ErasureRequest } from './modules/privacy/erasure-request.entity.js';
import { WebhookDelivery } from './modules/webhooks/webhook-delivery.entity.js';
import { WebhookEndpoint } from './modules/webhooks/webhook-endpoint.entity.js';

export const identityEntities = [
  Customer,
  Identifier,
  Consent,
  User,
  Team,
  TeamMember,
  ApiKey,
  AccessRule,
  AuditEntry,
  ErasureRequest,
  WebhookEndpoint,
  WebhookDelivery,
  OutboxEvent,
  OutboxCommitOrder,
  ...consumerEntities,
  ...mutationEntities,
];
