/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
export type CampaignStatus =
  | 'CANCELLED'
  | 'COMPLETED'
  | 'DRAFT'
  | 'RUNNING'
  | 'SCHEDULED';

/** Line of support: FIRST handles most cases, SECOND takes escalations */
export type CaseLine =
  | 'FIRST'
  | 'SECOND';

export type CasePriority =
  | 'HIGH'
  | 'LOW'
  | 'NORMAL'
  | 'URGENT';

export type CaseStatus =
  | 'CLOSED'
  | 'NEW'
  | 'OPEN'
  | 'PENDING'
  | 'RESOLVED';

export type ConsentChannel =
  | 'ANY'
  | 'EMAIL'
  | 'PHONE'
  | 'POST'
  | 'PUSH'
  | 'SMS';

export type ConsentPurpose =
  | 'MARKETING'
  | 'PROFILING'
  | 'SERVICE_COMMUNICATION'
  | 'THIRD_PARTY_SHARING';

export type ConsentStatus =
  | 'GRANTED'
  | 'WITHDRAWN';

export type CustomerKind =
  | 'ORGANIZATION'
  | 'PERSON';

/** How conversionFunnel's groups are cut: by the lead's source or its owner (rep) */
export type FunnelGrouping =
  | 'OWNER'
  | 'SOURCE';

export type InteractionChannel =
  | 'APP'
  | 'CHAT'
  | 'EMAIL'
  | 'IN_STORE'
  | 'MESSENGER'
  | 'PHONE'
  | 'PUSH'
  | 'SMS'
  | 'SOCIAL'
  | 'WEB'
  | 'WEBINAR';

export type InteractionType =
  | 'CALL'
  | 'CART_ABANDONED'
  | 'CASE_MESSAGE'
  | 'CONVERSION'
  | 'DOWNLOAD'
  | 'FORM_SUBMIT'
  | 'MEETING'
  | 'MESSAGE_CLICKED'
  | 'MESSAGE_DELIVERED'
  | 'MESSAGE_OPENED'
  | 'MESSAGE_RECEIVED'
  | 'MESSAGE_SENT'
  | 'PAGE_VIEW'
  | 'QUOTE_SENT'
  | 'QUOTE_VIEWED'
  | 'SEARCH'
  | 'SURVEY_RESPONSE'
  | 'VISIT';

/** Follows the won/lost flags of the current stage */
export type OpportunityStatus =
  | 'LOST'
  | 'OPEN'
  | 'WON';

/** DRAFT → SENT → VIEWED → ACCEPTED / REJECTED / EXPIRED */
export type QuoteStatus =
  | 'ACCEPTED'
  | 'DRAFT'
  | 'EXPIRED'
  | 'REJECTED'
  | 'SENT'
  | 'VIEWED';

export type SearchHitKind =
  | 'CUSTOMER'
  | 'KNOWLEDGE_ARTICLE'
  | 'PRODUCT';

export type SegmentKind =
  | 'DYNAMIC'
  | 'STATIC';

export type Customer360QueryVariables = Exact<{
  id: string | number;
}>;


export type Customer360Query = { customer: { id: string, displayName: string, kind: CustomerKind, organizationName: string | null, emails: Array<string> | null, phones: Array<string> | null, createdAt: string, consents: Array<{ id: string, purpose: ConsentPurpose, channel: ConsentChannel, status: ConsentStatus, givenAt: string }>, interactions: { totalCount: number, edges: Array<{ node: { id: string, channel: InteractionChannel, type: InteractionType, occurredAt: string } }> } | null, opportunities: { totalCount: number, edges: Array<{ node: { id: string, title: string, stage: string, status: OpportunityStatus, probability: number, expectedCloseDate: string | null, amount: { amount: string, currency: string }, owner: { name: string } | null } }> } | null, cases: { totalCount: number, edges: Array<{ node: { id: string, subject: string, status: CaseStatus, priority: CasePriority, line: CaseLine, slaAtRisk: boolean, resolutionBreached: boolean, firstResponseBreached: boolean } }> } | null } };

export type TimelineEntryFragment = { id: string, channel: InteractionChannel, type: InteractionType, occurredAt: string };

export type CustomerOpportunityFragment = { id: string, title: string, stage: string, status: OpportunityStatus, probability: number, expectedCloseDate: string | null, amount: { amount: string, currency: string }, owner: { name: string } | null };

export type CustomerCaseFragment = { id: string, subject: string, status: CaseStatus, priority: CasePriority, line: CaseLine, slaAtRisk: boolean, resolutionBreached: boolean, firstResponseBreached: boolean };

export type CustomerTimelineSubscriptionVariables = Exact<{
  customerId: string | number;
  after?: string | null | undefined;
}>;


export type CustomerTimelineSubscription = { interactionRecorded: { event: { cursor: string }, interaction: { id: string, channel: InteractionChannel, type: InteractionType, occurredAt: string } | null } };

export type CustomerProfileChangedSubscriptionVariables = Exact<{
  id: string | number;
  after?: string | null | undefined;
}>;


export type CustomerProfileChangedSubscription = { customerChanged: { event: { cursor: string } } };

export type CustomerDealsSubscriptionVariables = Exact<{
  after?: string | null | undefined;
}>;


export type CustomerDealsSubscription = { opportunityChanged: { event: { cursor: string }, opportunity: { id: string, title: string, stage: string, status: OpportunityStatus, probability: number, expectedCloseDate: string | null, customer: { id: string }, amount: { amount: string, currency: string }, owner: { name: string } | null } | null } };

export type CustomerCasesSubscriptionVariables = Exact<{
  after?: string | null | undefined;
}>;


export type CustomerCasesSubscription = { caseChanged: { event: { cursor: string }, case: { id: string, subject: string, status: CaseStatus, priority: CasePriority, line: CaseLine, slaAtRisk: boolean, resolutionBreached: boolean, firstResponseBreached: boolean, customer: { id: string } } | null } };

export type MarketingOverviewQueryVariables = Exact<{ [key: string]: never; }>;


export type MarketingOverviewQuery = { campaigns: { edges: Array<{ node: { id: string, name: string, status: CampaignStatus, channel: InteractionChannel, startsAt: string, metrics: { sent: number, delivered: number, opened: number, clicked: number, converted: number } } }> }, segments: { edges: Array<{ node: { id: string, name: string, kind: SegmentKind, size: number } }> } };

export type LiveCampaignMetricsSubscriptionVariables = Exact<{
  id: string | number;
}>;


export type LiveCampaignMetricsSubscription = { campaignMetricsChanged: { sent: number, delivered: number, opened: number, clicked: number, converted: number } };

export type CampaignMovesSubscriptionVariables = Exact<{
  after?: string | null | undefined;
}>;


export type CampaignMovesSubscription = { campaignChanged: { event: { cursor: string } } };

export type LiveSegmentSizesSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type LiveSegmentSizesSubscription = { segmentSizesChanged: { edges: Array<{ node: { id: string, name: string, kind: SegmentKind, size: number } }> } };

export type AmountFragment = { amount: string, currency: string };

export type PipelineTotalsFragment = { count: number, value: { amount: string, currency: string }, weightedValue: { amount: string, currency: string }, stages: Array<{ count: number, stage: { id: string, name: string, position: number }, value: { amount: string, currency: string }, weightedValue: { amount: string, currency: string } }>, owners: Array<{ count: number, owner: { id: string, name: string } | null, value: { amount: string, currency: string }, weightedValue: { amount: string, currency: string } }>, conversion: { currency: string, converted: boolean, unconvertible: Array<string>, rates: Array<{ from: string, rate: number }> } };

export type DefaultPipelineQueryVariables = Exact<{ [key: string]: never; }>;


export type DefaultPipelineQuery = { pipeline: { id: string, name: string } };

export type LivePipelineSubscriptionVariables = Exact<{
  pipelineId: string | number;
  currency: string;
  ownerId?: string | number | null | undefined;
}>;


export type LivePipelineSubscription = { pipelineSummaryChanged: { count: number, value: { amount: string, currency: string }, weightedValue: { amount: string, currency: string }, stages: Array<{ count: number, stage: { id: string, name: string, position: number }, value: { amount: string, currency: string }, weightedValue: { amount: string, currency: string } }>, owners: Array<{ count: number, owner: { id: string, name: string } | null, value: { amount: string, currency: string }, weightedValue: { amount: string, currency: string } }>, conversion: { currency: string, converted: boolean, unconvertible: Array<string>, rates: Array<{ from: string, rate: number }> } } };

export type SalesForecastQueryVariables = Exact<{
  pipelineId: string | number;
  currency: string;
  ownerId?: string | number | null | undefined;
}>;


export type SalesForecastQuery = { salesForecast: { months: Array<{ month: string, count: number, value: { amount: string, currency: string }, weightedValue: { amount: string, currency: string } }> } };

export type SalesFunnelQueryVariables = Exact<{
  from: string;
  to: string;
  groupBy: FunnelGrouping;
}>;


export type SalesFunnelQuery = { conversionFunnel: { leads: number, opportunities: number, won: number, leadToOpportunityRate: number | null, opportunityToWonRate: number | null, groups: Array<{ key: string, label: string, leads: number, opportunities: number, won: number, owner: { name: string } | null }> } };

export type QuotesOpenedTodayQueryVariables = Exact<{ [key: string]: never; }>;


export type QuotesOpenedTodayQuery = { quotesOpened: { count: number, quotes: Array<{ id: string, title: string, status: QuoteStatus, total: { amount: string, currency: string }, customer: { id: string, displayName: string } }> } };

export type PipelineMovesSubscriptionVariables = Exact<{
  pipelineId: string | number;
  after?: string | null | undefined;
}>;


export type PipelineMovesSubscription = { pipelineChanged: { event: { cursor: string } } };

export type LeadMovesSubscriptionVariables = Exact<{
  after?: string | null | undefined;
}>;


export type LeadMovesSubscription = { leadChanged: { event: { cursor: string } } };

export type QuoteMovesSubscriptionVariables = Exact<{
  after?: string | null | undefined;
}>;


export type QuoteMovesSubscription = { quoteChanged: { event: { cursor: string } } };

export type DealMovesSubscriptionVariables = Exact<{
  after?: string | null | undefined;
}>;


export type DealMovesSubscription = { opportunityChanged: { event: { cursor: string } } };

export type GlobalSearchQueryVariables = Exact<{
  query: string;
}>;


export type GlobalSearchQuery = { search: Array<{ kind: SearchHitKind, title: string, score: number, customer: { id: string } | null }> };

export type QueueCountsFragment = { open: number, atRisk: number, breached: number, rows: Array<{ line: CaseLine, priority: CasePriority, open: number, atRisk: number, breached: number }>, agents: Array<{ open: number, atRisk: number, breached: number, agent: { id: string, name: string } | null }> };

export type LiveQueueSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type LiveQueueSubscription = { caseQueueChanged: { open: number, atRisk: number, breached: number, rows: Array<{ line: CaseLine, priority: CasePriority, open: number, atRisk: number, breached: number }>, agents: Array<{ open: number, atRisk: number, breached: number, agent: { id: string, name: string } | null }> } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const TimelineEntryFragmentDoc = new TypedDocumentString(`
    fragment TimelineEntry on Interaction {
  id
  channel
  type
  occurredAt
}
    `, {"fragmentName":"TimelineEntry"}) as unknown as TypedDocumentString<TimelineEntryFragment, unknown>;
export const CustomerOpportunityFragmentDoc = new TypedDocumentString(`
    fragment CustomerOpportunity on Opportunity {
  id
  title
  stage
  status
  probability
  expectedCloseDate
  amount {
    amount
    currency
  }
  owner {
    name
  }
}
    `, {"fragmentName":"CustomerOpportunity"}) as unknown as TypedDocumentString<CustomerOpportunityFragment, unknown>;
export const CustomerCaseFragmentDoc = new TypedDocumentString(`
    fragment CustomerCase on Case {
  id
  subject
  status
  priority
  line
  slaAtRisk
  resolutionBreached
  firstResponseBreached
}
    `, {"fragmentName":"CustomerCase"}) as unknown as TypedDocumentString<CustomerCaseFragment, unknown>;
export const AmountFragmentDoc = new TypedDocumentString(`
    fragment Amount on Money {
  amount
  currency
}
    `, {"fragmentName":"Amount"}) as unknown as TypedDocumentString<AmountFragment, unknown>;
export const PipelineTotalsFragmentDoc = new TypedDocumentString(`
    fragment PipelineTotals on PipelineSummary {
  count
  value {
    ...Amount
  }
  weightedValue {
    ...Amount
  }
  stages {
    stage {
      id
      name
      position
    }
    count
    value {
      ...Amount
    }
    weightedValue {
      ...Amount
    }
  }
  owners {
    owner {
      id
      name
    }
    count
    value {
      ...Amount
    }
    weightedValue {
      ...Amount
    }
  }
  conversion {
    currency
    converted
    rates {
      from
      rate
    }
    unconvertible
  }
}
    fragment Amount on Money {
  amount
  currency
}`, {"fragmentName":"PipelineTotals"}) as unknown as TypedDocumentString<PipelineTotalsFragment, unknown>;
export const QueueCountsFragmentDoc = new TypedDocumentString(`
    fragment QueueCounts on CaseQueue {
  open
  atRisk
  breached
  rows {
    line
    priority
    open
    atRisk
    breached
  }
  agents {
    agent {
      id
      name
    }
    open
    atRisk
    breached
  }
}
    `, {"fragmentName":"QueueCounts"}) as unknown as TypedDocumentString<QueueCountsFragment, unknown>;
export const Customer360Document = new TypedDocumentString(`
    query Customer360($id: ID!) {
  customer(id: $id) {
    id
    displayName
    kind
    organizationName
    emails
    phones
    createdAt
    consents {
      id
      purpose
      channel
      status
      givenAt
    }
    interactions(first: 25) {
      totalCount
      edges {
        node {
          ...TimelineEntry
        }
      }
    }
    opportunities(first: 50) {
      totalCount
      edges {
        node {
          ...CustomerOpportunity
        }
      }
    }
    cases(first: 50) {
      totalCount
      edges {
        node {
          ...CustomerCase
        }
      }
    }
  }
}
    fragment TimelineEntry on Interaction {
  id
  channel
  type
  occurredAt
}
fragment CustomerOpportunity on Opportunity {
  id
  title
  stage
  status
  probability
  expectedCloseDate
  amount {
    amount
    currency
  }
  owner {
    name
  }
}
fragment CustomerCase on Case {
  id
  subject
  status
  priority
  line
  slaAtRisk
  resolutionBreached
  firstResponseBreached
}`) as unknown as TypedDocumentString<Customer360Query, Customer360QueryVariables>;
export const CustomerTimelineDocument = new TypedDocumentString(`
    subscription CustomerTimeline($customerId: ID!, $after: String) {
  interactionRecorded(customerId: $customerId, after: $after) {
    event {
      cursor
    }
    interaction {
      ...TimelineEntry
    }
  }
}
    fragment TimelineEntry on Interaction {
  id
  channel
  type
  occurredAt
}`) as unknown as TypedDocumentString<CustomerTimelineSubscription, CustomerTimelineSubscriptionVariables>;
export const CustomerProfileChangedDocument = new TypedDocumentString(`
    subscription CustomerProfileChanged($id: ID!, $after: String) {
  customerChanged(id: $id, after: $after) {
    event {
      cursor
    }
  }
}
    `) as unknown as TypedDocumentString<CustomerProfileChangedSubscription, CustomerProfileChangedSubscriptionVariables>;
export const CustomerDealsDocument = new TypedDocumentString(`
    subscription CustomerDeals($after: String) {
  opportunityChanged(after: $after) {
    event {
      cursor
    }
    opportunity {
      ...CustomerOpportunity
      customer {
        id
      }
    }
  }
}
    fragment CustomerOpportunity on Opportunity {
  id
  title
  stage
  status
  probability
  expectedCloseDate
  amount {
    amount
    currency
  }
  owner {
    name
  }
}`) as unknown as TypedDocumentString<CustomerDealsSubscription, CustomerDealsSubscriptionVariables>;
export const CustomerCasesDocument = new TypedDocumentString(`
    subscription CustomerCases($after: String) {
  caseChanged(after: $after) {
    event {
      cursor
    }
    case {
      ...CustomerCase
      customer {
        id
      }
    }
  }
}
    fragment CustomerCase on Case {
  id
  subject
  status
  priority
  line
  slaAtRisk
  resolutionBreached
  firstResponseBreached
}`) as unknown as TypedDocumentString<CustomerCasesSubscription, CustomerCasesSubscriptionVariables>;
export const MarketingOverviewDocument = new TypedDocumentString(`
    query MarketingOverview {
  campaigns(first: 20) {
    edges {
      node {
        id
        name
        status
        channel
        startsAt
        metrics {
          sent
          delivered
          opened
          clicked
          converted
        }
      }
    }
  }
  segments(first: 50) {
    edges {
      node {
        id
        name
        kind
        size
      }
    }
  }
}
    `) as unknown as TypedDocumentString<MarketingOverviewQuery, MarketingOverviewQueryVariables>;
export const LiveCampaignMetricsDocument = new TypedDocumentString(`
    subscription LiveCampaignMetrics($id: ID!) {
  campaignMetricsChanged(id: $id) {
    sent
    delivered
    opened
    clicked
    converted
  }
}
    `) as unknown as TypedDocumentString<LiveCampaignMetricsSubscription, LiveCampaignMetricsSubscriptionVariables>;
export const CampaignMovesDocument = new TypedDocumentString(`
    subscription CampaignMoves($after: String) {
  campaignChanged(after: $after) {
    event {
      cursor
    }
  }
}
    `) as unknown as TypedDocumentString<CampaignMovesSubscription, CampaignMovesSubscriptionVariables>;
export const LiveSegmentSizesDocument = new TypedDocumentString(`
    subscription LiveSegmentSizes {
  segmentSizesChanged(first: 50) {
    edges {
      node {
        id
        name
        kind
        size
      }
    }
  }
}
    `) as unknown as TypedDocumentString<LiveSegmentSizesSubscription, LiveSegmentSizesSubscriptionVariables>;
export const DefaultPipelineDocument = new TypedDocumentString(`
    query DefaultPipeline {
  pipeline {
    id
    name
  }
}
    `) as unknown as TypedDocumentString<DefaultPipelineQuery, DefaultPipelineQueryVariables>;
export const LivePipelineDocument = new TypedDocumentString(`
    subscription LivePipeline($pipelineId: ID!, $currency: String!, $ownerId: ID) {
  pipelineSummaryChanged(
    pipelineId: $pipelineId
    currency: $currency
    ownerId: $ownerId
  ) {
    ...PipelineTotals
  }
}
    fragment Amount on Money {
  amount
  currency
}
fragment PipelineTotals on PipelineSummary {
  count
  value {
    ...Amount
  }
  weightedValue {
    ...Amount
  }
  stages {
    stage {
      id
      name
      position
    }
    count
    value {
      ...Amount
    }
    weightedValue {
      ...Amount
    }
  }
  owners {
    owner {
      id
      name
    }
    count
    value {
      ...Amount
    }
    weightedValue {
      ...Amount
    }
  }
  conversion {
    currency
    converted
    rates {
      from
      rate
    }
    unconvertible
  }
}`) as unknown as TypedDocumentString<LivePipelineSubscription, LivePipelineSubscriptionVariables>;
export const SalesForecastDocument = new TypedDocumentString(`
    query SalesForecast($pipelineId: ID!, $currency: String!, $ownerId: ID) {
  salesForecast(
    pipelineId: $pipelineId
    currency: $currency
    ownerId: $ownerId
    months: 6
  ) {
    months {
      month
      count
      value {
        ...Amount
      }
      weightedValue {
        ...Amount
      }
    }
  }
}
    fragment Amount on Money {
  amount
  currency
}`) as unknown as TypedDocumentString<SalesForecastQuery, SalesForecastQueryVariables>;
export const SalesFunnelDocument = new TypedDocumentString(`
    query SalesFunnel($from: DateTimeISO!, $to: DateTimeISO!, $groupBy: FunnelGrouping!) {
  conversionFunnel(from: $from, to: $to, groupBy: $groupBy) {
    leads
    opportunities
    won
    leadToOpportunityRate
    opportunityToWonRate
    groups {
      key
      label
      owner {
        name
      }
      leads
      opportunities
      won
    }
  }
}
    `) as unknown as TypedDocumentString<SalesFunnelQuery, SalesFunnelQueryVariables>;
export const QuotesOpenedTodayDocument = new TypedDocumentString(`
    query QuotesOpenedToday {
  quotesOpened {
    count
    quotes {
      id
      title
      status
      total {
        ...Amount
      }
      customer {
        id
        displayName
      }
    }
  }
}
    fragment Amount on Money {
  amount
  currency
}`) as unknown as TypedDocumentString<QuotesOpenedTodayQuery, QuotesOpenedTodayQueryVariables>;
export const PipelineMovesDocument = new TypedDocumentString(`
    subscription PipelineMoves($pipelineId: ID!, $after: String) {
  pipelineChanged(pipelineId: $pipelineId, after: $after) {
    event {
      cursor
    }
  }
}
    `) as unknown as TypedDocumentString<PipelineMovesSubscription, PipelineMovesSubscriptionVariables>;
export const LeadMovesDocument = new TypedDocumentString(`
    subscription LeadMoves($after: String) {
  leadChanged(after: $after) {
    event {
      cursor
    }
  }
}
    `) as unknown as TypedDocumentString<LeadMovesSubscription, LeadMovesSubscriptionVariables>;
export const QuoteMovesDocument = new TypedDocumentString(`
    subscription QuoteMoves($after: String) {
  quoteChanged(after: $after) {
    event {
      cursor
    }
  }
}
    `) as unknown as TypedDocumentString<QuoteMovesSubscription, QuoteMovesSubscriptionVariables>;
export const DealMovesDocument = new TypedDocumentString(`
    subscription DealMoves($after: String) {
  opportunityChanged(after: $after) {
    event {
      cursor
    }
  }
}
    `) as unknown as TypedDocumentString<DealMovesSubscription, DealMovesSubscriptionVariables>;
export const GlobalSearchDocument = new TypedDocumentString(`
    query GlobalSearch($query: String!) {
  search(query: $query, first: 8) {
    kind
    title
    score
    customer {
      id
    }
  }
}
    `) as unknown as TypedDocumentString<GlobalSearchQuery, GlobalSearchQueryVariables>;
export const LiveQueueDocument = new TypedDocumentString(`
    subscription LiveQueue {
  caseQueueChanged {
    ...QueueCounts
  }
}
    fragment QueueCounts on CaseQueue {
  open
  atRisk
  breached
  rows {
    line
    priority
    open
    atRisk
    breached
  }
  agents {
    agent {
      id
      name
    }
    open
    atRisk
    breached
  }
}`) as unknown as TypedDocumentString<LiveQueueSubscription, LiveQueueSubscriptionVariables>;