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

export const RECORD_INTERACTION = 'mutation Record($input: RecordInteractionInput!) { recordInteraction(input: $input) { id } }';
