import { consumerEntities } from '@crm/kit/consumer.js';
import { mutationEntities } from '@crm/kit/mutations.js';
import { customerAliasEntities } from '@crm/kit/customer-aliases.js';
import { OutboxCommitOrder, OutboxEvent } from '@crm/kit/events.js';
import { Campaign } from './modules/campaign/campaign.entity.js';
import { Interaction } from './modules/interaction/interaction.entity.js';
import { MessageSend } from './modules/messaging/message-send.entity.js';
import { ConsentState, CustomerContact, CustomerProfile, OpportunityState, QuoteSnapshot } from './modules/projection/projection.entity.js';
import { Segment, SegmentKeptMember, SegmentMember, SegmentRecheck, SegmentStaleCustomer } from './modules/segment/segment.entity.js';
import { Sequence, SequenceEnrolment } from './modules/sequence/sequence.entity.js';
import { SurveyResponse } from './modules/survey/survey.entity.js';

export const marketingEntities = [
  Interaction,
  CustomerProfile,
  CustomerContact,
  ConsentState,
  OpportunityState,
  QuoteSnapshot,
  MessageSend,
  Segment,
  SegmentMember,
  SegmentKeptMember,
  SegmentRecheck,
  SegmentStaleCustomer,
  Campaign,
  Sequence,
  SequenceEnrolment,
  SurveyResponse,
  OutboxEvent,
  OutboxCommitOrder,
  ...consumerEntities,
  ...mutationEntities,
  ...customerAliasEntities,
];
