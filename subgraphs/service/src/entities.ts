import { consumerEntities } from '@crm/kit/consumer.js';
import { mutationEntities } from '@crm/kit/mutations.js';
import { customerAliasEntities } from '@crm/kit/customer-aliases.js';
import { OutboxCommitOrder, OutboxEvent } from '@crm/kit/events.js';
import { Asset } from './modules/asset/asset.entity.js';
import { AgentWorkload } from './modules/assignment/agent-workload.entity.js';
import { CaseAssignmentRule } from './modules/assignment/case-assignment-rule.entity.js';
import { ServiceVisit } from './modules/asset/service-visit.entity.js';
import { WorkingCalendar } from './modules/calendar/working-calendar.entity.js';
import { Case } from './modules/case/case.entity.js';
import { ServiceContract } from './modules/contract/service-contract.entity.js';
import { KnowledgeArticle } from './modules/knowledge/knowledge-article.entity.js';
import { CaseMessage } from './modules/message/case-message.entity.js';
import { StaffStatus } from './modules/staff/staff-status.entity.js';

export const serviceEntities = [
  Case,
  CaseAssignmentRule,
  AgentWorkload,
  CaseMessage,
  ServiceContract,
  WorkingCalendar,
  Asset,
  ServiceVisit,
  KnowledgeArticle,
  StaffStatus,
  OutboxEvent,
  OutboxCommitOrder,
  ...consumerEntities,
  ...mutationEntities,
  ...customerAliasEntities,
];
