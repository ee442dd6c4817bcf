import { extendSchema, parse, type GraphQLSchema } from 'graphql';

/**
 * The subscription part of the public API. It extends the supergraph's API schema, so a payload's entity is
 * the real supergraph type and a client can select any of its fields, from any subgraph.
 */
export const SUBSCRIPTION_SDL = /* GraphQL */ `
  "A committed domain event: what happened, when, and the cursor to resume after it."
  type ChangeEvent {
    type: String!
    cursor: String!
    occurredAt: DateTimeISO!
    aggregateId: ID!
    "The version of the record this event produced; null for records without versions"
    aggregateVersion: Int
    changedFields: [String!]!
  }

  input OpportunityChangedFilter {
    pipelineId: ID
    ownerId: ID
    stageId: ID
  }

  input CaseChangedFilter {
    "The queue: the line of support"
    line: CaseLine
    assigneeId: ID
    priority: CasePriority
  }

  type OpportunityChange {
    event: ChangeEvent!
    opportunity: Opportunity
    newerThanEvent: Boolean
  }
  type InteractionChange {
    event: ChangeEvent!
    interaction: Interaction
    newerThanEvent: Boolean
  }
  type CaseChange {
    event: ChangeEvent!
    case: Case
    newerThanEvent: Boolean
  }
  type CustomerChange {
    event: ChangeEvent!
    customer: Customer
    newerThanEvent: Boolean
  }

  """
  Live changes. Pass after: <cursor> to first replay what was missed (within the retention window), then continue live.
  The record in a change is read as the event is delivered; newerThanEvent is true when it has changed again since
  this event (those changes come as their own events), null when that cannot be told.
  A client that falls behind is disconnected with close code 4100: reconnect with after set to the last cursor received.
  """
  type Subscription {
    opportunityChanged(filter: OpportunityChangedFilter, after: String): OpportunityChange!
    pipelineChanged(pipelineId: ID!, after: String): OpportunityChange!
    interactionRecorded(customerId: ID!, after: String): InteractionChange!
    caseChanged(filter: CaseChangedFilter, after: String): CaseChange!
    customerChanged(id: ID!, after: String): CustomerChange!
  }

  extend schema {
    subscription: Subscription
  }
`;

export function buildSubscriptionSchema(apiSchema: GraphQLSchema): GraphQLSchema {
  return extendSchema(apiSchema, parse(SUBSCRIPTION_SDL));
}
