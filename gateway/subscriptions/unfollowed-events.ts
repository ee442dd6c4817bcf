import type { EventType } from '@crm/kit/event-catalog.js';

/**
 * The catalog's events no subscription follows, each with why. Every other event type is followed by some topic
 * (topics.test.ts checks that each type is in exactly one of the two places), so a new event type is either made
 * followable or written down here.
 */
export const UNFOLLOWED_EVENTS: Partial<Record<EventType, string>> = {
  // Configuration of the platform, not data of customers: read by the admin screens' queries.
  UserCreated: 'staff administration: the staff queries show it',
  UserChanged: 'staff administration: the staff queries show it',
  TeamCreated: 'staff administration: the staff queries show it',
  TeamMemberAdded: 'staff administration: the staff queries show it',
  ApiKeyCreated: 'security configuration: never pushed to keys or partners',
  ApiKeyRotated: 'security configuration: never pushed to keys or partners',
  ApiKeyRevoked: 'security configuration: never pushed to keys or partners',
  AccessRuleChanged: 'security configuration: never pushed to keys or partners',
  AccessRuleRemoved: 'security configuration: never pushed to keys or partners',
  WebFormCreated: 'configuration (pipelines:manage)',
  LeadRoutingRuleCreated: 'configuration (pipelines:manage)',
  PipelineCreated: 'configuration (pipelines:manage); deals in it: pipelineChanged',
  PipelineStagesChanged: 'configuration (pipelines:manage); deals in it: pipelineChanged',
  ProductCreated: 'the catalogue: the products query',
  ProductChanged: 'the catalogue: the products query',
  CaseAssignmentRuleCreated: 'configuration (cases:manage)',
  CaseAssignmentRuleChanged: 'configuration (cases:manage)',
  WorkingCalendarCreated: 'configuration: the workingCalendars query',
  WorkingCalendarChanged: 'configuration: the workingCalendars query',
  KnowledgeArticleCreated: 'the knowledge base: search and its queries',
  KnowledgeArticlePublished: 'the knowledge base: search and its queries',
  SequenceCreated: 'configuration of a sequence; its enrolments: enrolmentChanged',
  SegmentCreated: 'configuration of a segment (marketing:write)',
  SegmentUpdated: 'configuration of a segment (marketing:write)',
  SegmentArchived: 'configuration of a segment (marketing:write)',
  // Raw or personal data that a subscription on the record it belongs to tells better.
  WebFormSubmitted: "the raw form with the person's contact data; its lead: leadChanged (and the web form's own followToken)",
  SegmentMembersAdded: 'lists up to 1,000 customers per event; a customer: customerChanged, segment sizes: the segments query',
  SegmentMembersRemoved: 'lists up to 1,000 customers per event; a customer: customerChanged, segment sizes: the segments query',
  SurveyAnswered: 'the answer is recorded as an interaction too: interactionRecorded',
  MessageSent: "a message to a customer (marketing's plumbing); a campaign's outcome: its progress",
  MessageFailed: "a message to a customer (marketing's plumbing); a campaign's outcome: its progress",
  MessageSuppressed: "a message to a customer (marketing's plumbing); a campaign's outcome: its progress",
  ServiceContractSet: "a customer's contract tier: customer { serviceContract }; not yet a subscription of its own",
  // The platform's own records.
  CustomerErasureRequested: 'privacy: an erasure is followed through its own query (privacy:manage), never pushed',
  CustomerDataErased: 'privacy: an erasure is followed through its own query (privacy:manage), never pushed',
  CustomerAggregatesErased: 'privacy: an erasure is followed through its own query (privacy:manage), never pushed',
  AuditRecorded: 'the audit log (audit:read): read by its query, never pushed',
};
