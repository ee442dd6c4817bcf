import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CompleteActivityDocument,
  CreateActivityDocument,
  CreateCustomerDocument,
  CreateLeadDocument,
  CreateOpportunityDocument,
  CreateQuoteDocument,
  CreateTeamWithDocument,
  GapsActivitiesListDocument,
  GapsActivityDocument,
  GapsCustomerSalesRowsDocument,
  GapsLeadDocument,
  GapsLeadsListDocument,
  GapsOpportunityQuotesDocument,
  GapsQuoteDocument,
  SendQuoteDocument,
  UpdateLeadStatusDocument,
} from './generated/graphql.js';
import { signInternalToken } from '@crm/kit/access/internal-token.js';
import { personViewer } from '../gateway/auth/authenticator.js';
import { errorCodes, execute, executeOk, type GraphQLResponse } from './helpers/graphql.js';
import { startPlatform, type Platform, type StaffMember } from './helpers/platform.js';

// Issue 8.3, row level for the rest of sales: a rep reads and changes the leads, quotes and activities they own or
// their team owns, a manager those of their teams (and the unowned queue); lists, totals, ids and a customer's nested
// fields all honour it. The analyst reads everything and changes nothing; the marketer has no sales rows at all.

let platform: Platform;
let url: string;
let northManager: StaffMember, north1: StaffMember, north2: StaffMember, southManager: StaffMember, south: StaffMember;
let analyst: StaffMember, marketer: StaffMember;
let customerId: string;
type Row =
  | 'oppNorth'
  | 'oppSouth'
  | `lead${'North1' | 'North2' | 'South' | 'Queue'}`
  | `quote${'North' | 'South' | 'Loose'}`
  | `act${'North1' | 'North2' | 'South' | 'Queue'}`;
const ids = {} as Record<Row, string>;
const versions: Record<string, number> = {};

const as = (member: StaffMember) => ({ authorization: member.authorization });
const sorted = (values: string[]) => [...values].sort();

beforeAll(async () => {
  platform = await startPlatform();
  url = platform.gatewayUrl;
  [northManager, north1, north2, southManager, south, analyst, marketer] = await Promise.all([
    platform.createStaff('SALES_MANAGER'),
    platform.createStaff('SALES_REP'),
    platform.createStaff('SALES_REP'),
    platform.createStaff('SALES_MANAGER'),
    platform.createStaff('SALES_REP'),
    platform.createStaff('ANALYST'),
    platform.createStaff('MARKETER'),
  ]);
  const tag = randomUUID().slice(0, 6);
  await executeOk(url, CreateTeamWithDocument, { input: { name: `North ${tag}`, managerId: northManager.id, memberIds: [north1.id, north2.id] } });
  await executeOk(url, CreateTeamWithDocument, { input: { name: `South ${tag}`, managerId: southManager.id, memberIds: [south.id] } });
  customerId = (
    await executeOk(url, CreateCustomerDocument, {
      input: { kind: 'PERSON', firstName: 'Řádek', lastName: 'Obchodní', emails: [`radek.${tag}@example.cz`], phones: [] },
    })
  ).createCustomer.id;

  const opportunity = async (title: string, ownerId: string) =>
    (await executeOk(url, CreateOpportunityDocument, { input: { customerId, title, ownerId, amount: { amount: '1000.00', currency: 'CZK' } } }))
      .createOpportunity.id;
  ids.oppNorth = await opportunity('North deal', north1.id);
  ids.oppSouth = await opportunity('South deal', south.id);

  const lead = async (name: string, ownerId: string | null) => {
    const { createLead } = await executeOk(url, CreateLeadDocument, {
      input: { source: 'PHONE', customerId, contactName: name, contactEmail: `${name.toLowerCase()}.${tag}@example.cz`, ownerId },
    });
    versions[createLead.id] = createLead.version;
    return createLead.id;
  };
  ids.leadNorth1 = await lead('North1', north1.id);
  ids.leadNorth2 = await lead('North2', north2.id);
  ids.leadSouth = await lead('South', south.id);
  ids.leadQueue = await lead('Queue', null);

  const quote = async (title: string, opportunityId: string | null) => {
    const { createQuote } = await executeOk(url, CreateQuoteDocument, {
      input: { title, currency: 'CZK', taxRatePercent: '21', ...(opportunityId ? { opportunityId } : { customerId }) },
    });
    versions[createQuote.id] = createQuote.version;
    return createQuote.id;
  };
  ids.quoteNorth = await quote('North offer', ids.oppNorth);
  ids.quoteSouth = await quote('South offer', ids.oppSouth);
  ids.quoteLoose = await quote('Offer without a deal', null);

  const activity = async (subject: string, ownerId: string | null, links: { leadId?: string; opportunityId?: string } = {}) => {
    const { createActivity } = await executeOk(url, CreateActivityDocument, { input: { type: 'NOTE', subject, customerId, ownerId, ...links } });
    versions[createActivity.id] = createActivity.version;
    return createActivity.id;
  };
  ids.actNorth1 = await activity('North1 note', north1.id);
  ids.actNorth2 = await activity('North2 note', north2.id);
  // The south rep's note points at the north team's lead and deal: the note is theirs, the rows it names are not.
  ids.actSouth = await activity('South note', south.id, { leadId: ids.leadNorth1, opportunityId: ids.oppNorth });
  ids.actQueue = await activity('Queue note', null);
});
afterAll(() => platform.stop());

/** What a caller sees of the sales rows: the top-level lists, the customer's nested lists, each with its total. */
async function rowsSeenBy(member?: StaffMember) {
  const headers = member ? as(member) : {};
  const { leads } = await executeOk(url, GapsLeadsListDocument, {}, headers);
  const { activities } = await executeOk(url, GapsActivitiesListDocument, {}, headers);
  const { customer } = await executeOk(url, GapsCustomerSalesRowsDocument, { id: customerId }, headers);
  const listed = (connection: { totalCount: number; edges: Array<{ node: { id: string } }> } | null | undefined) => ({
    ids: sorted(connection!.edges.map((e) => e.node.id)),
    total: connection!.totalCount,
  });
  return {
    leads: listed(leads),
    activities: listed(activities),
    customerLeads: listed(customer.leads),
    customerQuotes: listed(customer.quotes),
    customerActivities: listed(customer.activities),
  };
}

const expected = (leads: string[], quotes: string[], activities: string[]) => {
  const of = (keys: string[]) => ({ ids: sorted(keys.map((k) => ids[k as Row])), total: keys.length });
  return { leads: of(leads), activities: of(activities), customerLeads: of(leads), customerQuotes: of(quotes), customerActivities: of(activities) };
};

describe('row level for leads, quotes and activities', () => {
  it('shows each role exactly its rows in the lists, the totals and the customer’s nested fields', async () => {
    const everything = expected(
      ['leadNorth1', 'leadNorth2', 'leadSouth', 'leadQueue'],
      ['quoteNorth', 'quoteSouth', 'quoteLoose'],
      ['actNorth1', 'actNorth2', 'actSouth', 'actQueue'],
    );
    const northTeam = expected(['leadNorth1', 'leadNorth2'], ['quoteNorth'], ['actNorth1', 'actNorth2']);
    expect(await rowsSeenBy()).toEqual(everything); // the admin
    expect(await rowsSeenBy(north1)).toEqual(northTeam);
    expect(await rowsSeenBy(north2)).toEqual(northTeam); // a teammate's rows are the team's rows
    expect(await rowsSeenBy(south)).toEqual(expected(['leadSouth'], ['quoteSouth'], ['actSouth']));
    // A manager: their teams' rows and the unowned queue (a quote without a deal counts as unowned).
    expect(await rowsSeenBy(northManager)).toEqual(
      expected(['leadNorth1', 'leadNorth2', 'leadQueue'], ['quoteNorth', 'quoteLoose'], ['actNorth1', 'actNorth2', 'actQueue']),
    );
    expect(await rowsSeenBy(southManager)).toEqual(expected(['leadSouth', 'leadQueue'], ['quoteSouth', 'quoteLoose'], ['actSouth', 'actQueue']));
    // The analyst reads every row (READ_ALL in permissions.ts), as the admin does.
    expect(await rowsSeenBy(analyst)).toEqual(everything);
  });

  it("answers another team's lead, quote and activity by id as NOT_FOUND, and the team's own by id", async () => {
    const read = async (member: StaffMember, key: Row) => {
      const id = ids[key];
      const document = key.startsWith('lead') ? GapsLeadDocument : key.startsWith('quote') ? GapsQuoteDocument : GapsActivityDocument;
      const result = (await execute(url, document as typeof GapsLeadDocument, { id }, as(member))) as GraphQLResponse<Record<string, { id: string }>>;
      const row = result.data ? Object.values(result.data)[0] : null;
      return row?.id === id ? 'seen' : errorCodes(result).join(',');
    };
    const cases = (
      [
        [south, ['leadNorth1', 'quoteNorth', 'actNorth2', 'leadQueue', 'quoteLoose', 'actQueue'], 'NOT_FOUND'], // nor the unowned queue
        [north2, ['leadNorth1', 'quoteNorth', 'actNorth1'], 'seen'],
        [north1, ['leadSouth', 'quoteSouth', 'actSouth'], 'NOT_FOUND'],
        [northManager, ['leadSouth', 'quoteSouth', 'actSouth'], 'NOT_FOUND'],
        [northManager, ['leadQueue', 'quoteLoose', 'actQueue'], 'seen'],
        [southManager, ['leadNorth2', 'quoteNorth', 'actNorth1'], 'NOT_FOUND'],
        [southManager, ['leadQueue', 'quoteLoose', 'actQueue'], 'seen'],
        [analyst, ['leadSouth', 'quoteNorth', 'actQueue'], 'seen'],
      ] as Array<[StaffMember, Row[], string]>
    ).flatMap(([member, rows, outcome]) => rows.map((row) => ({ member, row, outcome })));
    const outcomes = await Promise.all(cases.map(async ({ member, row }) => `${member.id} ${row}: ${await read(member, row)}`));
    expect(outcomes).toEqual(cases.map(({ member, row, outcome }) => `${member.id} ${row}: ${outcome}`));
  });

  it('never leaks a hidden row through a reference or an opportunity’s quotes', async () => {
    // The south note names the north lead and deal: the south rep gets the note, but not the rows it points at.
    const note = await executeOk(url, GapsActivityDocument, { id: ids.actSouth }, as(south));
    expect(note.activity).toEqual({ id: ids.actSouth, subject: 'South note', done: false, lead: null, opportunity: null });
    const byAdmin = await executeOk(url, GapsActivityDocument, { id: ids.actSouth });
    expect(byAdmin.activity).toMatchObject({ lead: { id: ids.leadNorth1 }, opportunity: { id: ids.oppNorth } });

    const northQuotes = await executeOk(url, GapsOpportunityQuotesDocument, { id: ids.oppNorth }, as(north2));
    expect(northQuotes.opportunity.quotes).toEqual({ totalCount: 1, edges: [{ node: { id: ids.quoteNorth } }] });
    expect((await executeOk(url, GapsQuoteDocument, { id: ids.quoteNorth }, as(north1))).quote.opportunity).toEqual({ id: ids.oppNorth });
    expect(errorCodes(await execute(url, GapsOpportunityQuotesDocument, { id: ids.oppNorth }, as(south)))).toEqual(['NOT_FOUND']);
  });

  it('resolves entity references at the sales subgraph only for rows the caller may see', async () => {
    // What the gateway would send the sales subgraph for the south rep (and for the marketer) in its signed token.
    const call = async (viewer: Parameters<typeof signInternalToken>[0], representations: Array<{ __typename: string; id: string }>) => {
      const response = await fetch(platform.subgraphs.sales.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${await signInternalToken(viewer, 'sales')}` },
        body: JSON.stringify({
          query: 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Lead { id } ... on Opportunity { id } } }',
          variables: { r: representations },
        }),
      });
      return (await response.json()) as {
        data?: { _entities: Array<{ id: string } | null> };
        errors?: Array<{ message: string; extensions?: { code?: string } }>;
      };
    };
    const southRep = personViewer({ id: south.id, teamMemberIds: [south.id], supportLines: [] }, 'SALES_REP', '127.0.0.1');
    const seen = await call(southRep, [
      { __typename: 'Lead', id: ids.leadNorth1 },
      { __typename: 'Lead', id: ids.leadSouth },
      { __typename: 'Lead', id: ids.leadQueue },
      { __typename: 'Opportunity', id: ids.oppNorth },
      { __typename: 'Opportunity', id: ids.oppSouth },
    ]);
    expect(seen.errors).toBeUndefined();
    expect(seen.data?._entities).toEqual([null, { id: ids.leadSouth }, null, null, { id: ids.oppSouth }]);
    const refused = await call(personViewer({ id: marketer.id, teamMemberIds: [], supportLines: [] }, 'MARKETER', '127.0.0.1'), [
      { __typename: 'Lead', id: ids.leadSouth },
    ]);
    expect(refused.data?._entities ?? [null]).toEqual([null]);
    expect([refused.errors?.[0]?.extensions?.code, refused.errors?.[0]?.message]).toEqual(['FORBIDDEN', expect.stringContaining('leads:read')]);
  });

  it("refuses to change another team's rows, leaving them as they were, and lets a teammate change the team's", async () => {
    const leadMove = await execute(url, UpdateLeadStatusDocument, { id: ids.leadNorth1, version: versions[ids.leadNorth1]!, status: 'CONTACTED' }, as(south));
    expect(errorCodes(leadMove)).toEqual(['NOT_FOUND']);
    const sent = await execute(url, SendQuoteDocument, { id: ids.quoteNorth, version: versions[ids.quoteNorth]! }, as(south));
    expect(errorCodes(sent)).toEqual(['NOT_FOUND']);
    const done = await execute(url, CompleteActivityDocument, { id: ids.actNorth1, version: versions[ids.actNorth1]! }, as(south));
    expect(errorCodes(done)).toEqual(['NOT_FOUND']);
    const quoteOnTheirDeal = await execute(url, CreateQuoteDocument, { input: { opportunityId: ids.oppNorth, title: 'Poached', currency: 'CZK' } }, as(south));
    expect(errorCodes(quoteOnTheirDeal)).toEqual(['NOT_FOUND']);
    const giveAway = await execute(url, CreateLeadDocument, { input: { source: 'PHONE', contactName: 'Gift', ownerId: north1.id } }, as(south));
    expect(errorCodes(giveAway)).toEqual(['FORBIDDEN']);

    const { lead } = await executeOk(url, GapsLeadDocument, { id: ids.leadNorth1 });
    expect(lead.owner).toEqual({ id: north1.id });
    const { activity } = await executeOk(url, GapsActivityDocument, { id: ids.actNorth1 });
    expect(activity.done).toBe(false);
    expect(await rowsSeenBy(south)).toEqual(expected(['leadSouth'], ['quoteSouth'], ['actSouth'])); // nothing was added

    const { completeActivity } = await executeOk(url, CompleteActivityDocument, { id: ids.actNorth1, version: versions[ids.actNorth1]! }, as(north2));
    expect(completeActivity).toMatchObject({ id: ids.actNorth1, done: true });
    const { updateLeadStatus } = await executeOk(
      url,
      UpdateLeadStatusDocument,
      { id: ids.leadNorth1, version: versions[ids.leadNorth1]!, status: 'CONTACTED' },
      as(north2),
    );
    expect(updateLeadStatus).toMatchObject({ id: ids.leadNorth1, status: 'CONTACTED' });
  });
});

describe('what the analyst and the marketer get (permissions.ts)', () => {
  it('lets the analyst read every row but not the personal fields, and change nothing', async () => {
    const read = await execute(url, GapsLeadDocument, { id: ids.leadSouth }, as(analyst));
    expect(read.data?.lead).toEqual({ id: ids.leadSouth, contactName: 'South', contactEmail: null, owner: { id: south.id } });
    expect(read.errors?.map((e) => [e.extensions?.code, e.path?.join('.')])).toEqual([['FORBIDDEN', 'lead.contactEmail']]);
    expect(read.errors?.[0]?.message).toContain('pii:read');

    const attempts: Array<[string, Promise<GraphQLResponse<unknown>>]> = [
      ['leads:write', execute(url, CreateLeadDocument, { input: { source: 'PHONE', customerId, contactName: 'Analyst lead' } }, as(analyst))],
      ['quotes:write', execute(url, CreateQuoteDocument, { input: { opportunityId: ids.oppSouth, title: 'Analyst offer', currency: 'CZK' } }, as(analyst))],
      ['activities:write', execute(url, CreateActivityDocument, { input: { type: 'NOTE', subject: 'Analyst note', customerId } }, as(analyst))],
      ['activities:write', execute(url, CompleteActivityDocument, { id: ids.actSouth, version: versions[ids.actSouth]! }, as(analyst))],
    ];
    for (const [permission, attempt] of attempts) {
      const result = await attempt;
      expect([errorCodes(result), result.errors?.[0]?.message]).toEqual([['FORBIDDEN'], expect.stringContaining(permission)]);
    }
    const after = await rowsSeenBy(analyst);
    expect([after.leads.total, after.customerQuotes.total, after.activities.total]).toEqual([4, 3, 4]);
    expect((await executeOk(url, GapsActivityDocument, { id: ids.actSouth })).activity.done).toBe(false);
  });

  it('gives the marketer no leads, quotes or activities: refused by name, with the rest of the answer returned', async () => {
    const leads = await execute(url, GapsLeadsListDocument, {}, as(marketer));
    expect([errorCodes(leads), leads.errors?.[0]?.message]).toEqual([['FORBIDDEN'], expect.stringContaining('leads:read')]);
    const activities = await execute(url, GapsActivitiesListDocument, {}, as(marketer));
    expect([errorCodes(activities), activities.errors?.[0]?.message]).toEqual([['FORBIDDEN'], expect.stringContaining('activities:read')]);
    const quote = await execute(url, GapsQuoteDocument, { id: ids.quoteNorth }, as(marketer));
    expect([errorCodes(quote), quote.errors?.[0]?.message]).toEqual([['FORBIDDEN'], expect.stringContaining('quotes:read')]);

    const nested = await execute(url, GapsCustomerSalesRowsDocument, { id: customerId }, as(marketer));
    expect(nested.data?.customer).toEqual({ displayName: 'Řádek Obchodní', leads: null, quotes: null, activities: null });
    expect(sorted((nested.errors ?? []).map((e) => `${e.extensions?.code} ${e.path?.join('.')}`))).toEqual([
      'FORBIDDEN customer.activities',
      'FORBIDDEN customer.leads',
      'FORBIDDEN customer.quotes',
    ]);

    // Opportunities are the marketer's to read (every one of them), their quotes are not.
    const deal = await execute(url, GapsOpportunityQuotesDocument, { id: ids.oppSouth }, as(marketer));
    expect(deal.data?.opportunity).toEqual({ id: ids.oppSouth, title: 'South deal', quotes: null });
    expect(deal.errors?.map((e) => [e.extensions?.code, e.path?.join('.')])).toEqual([['FORBIDDEN', 'opportunity.quotes']]);
  });
});
