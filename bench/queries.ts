/** The operations the bench measures. */

/** The README's 360° example, for any customer. */
export const CUSTOMER_360 = `query Customer360($id: ID!) {
  customer(id: $id) {
    displayName
    emails
    opportunities(first: 5) {
      edges { node { title stage amount { amount currency } owner { name } } }
    }
    interactions(first: 2, filter: { channels: [EMAIL, PHONE] }) {
      totalCount
      edges { node { channel type occurredAt } }
    }
    cases { totalCount }
  }
}`;

/** The lower bound: one field of one subgraph, the same entry point. */
export const LOOKUP = 'query Lookup($id: ID!) { customer(id: $id) { displayName } }';

export const SEARCH = 'query Search($query: String!) { search(query: $query, first: 10) { kind title score } }';

export const LIST_PAGE = `query Page($after: String) {
  customers(first: 100, after: $after) { edges { node { id displayName kind } } pageInfo { endCursor hasNextPage } }
}`;

/** A dynamic segment's size: a count of its kept members, brought up to date by the read (marketing, ADR 22). */
export const SEGMENT_SIZE = 'query SegmentSize($id: ID!) { segment(id: $id) { size } }';
export const CREATE_SEGMENT = 'mutation CreateSegment($input: CreateSegmentInput!) { createSegment(input: $input) { id } }';
/** What a dealer's marketer asks: recent web visitors who have an open deal (interactions and deals together). */
export const BENCH_SEGMENT = {
  name: 'Web visitors of the last 90 days with an open deal',
  kind: 'DYNAMIC',
  rules: {
    operator: 'AND',
    conditions: [{ interactions: { channel: 'WEB', type: 'PAGE_VIEW', atLeast: 2, withinDays: 90 } }, { opportunity: { hasOpen: true } }],
  },
};

export const RECORD_INTERACTION = 'mutation Record($input: RecordInteractionInput!) { recordInteraction(input: $input) { id } }';
