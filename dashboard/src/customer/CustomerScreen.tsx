import { useState } from 'react';
import {
  Customer360Document,
  CustomerCasesDocument,
  CustomerDealsDocument,
  CustomerProfileChangedDocument,
  CustomerTimelineDocument,
  type CustomerCaseFragment,
  type CustomerOpportunityFragment,
  type TimelineEntryFragment,
} from '../generated/graphql';
import { feed, useFeed, useLiveQuery } from '../client/hooks';
import { Figure, Problem } from '../ui/Figure';
import { SortableTable } from '../ui/SortableTable';
import { count, dateTime, money, words } from '../ui/format';

/** Customer 360°: the profile, the timeline, deals, cases and consents of one customer, live. */
export function CustomerScreen({ id }: { id: string }) {
  const customer = useLiveQuery(Customer360Document, { id }, [feed(CustomerProfileChangedDocument, { id }, (d) => d.customerChanged.event.cursor)]);
  const { reload } = customer;
  // Touchpoints recorded since the page was read: the feed resumes by cursor, so one recorded while the
  // connection was down arrives when it is back.
  const [recorded, setRecorded] = useState<TimelineEntryFragment[]>([]);
  useFeed(
    CustomerTimelineDocument,
    { customerId: id },
    (d) => d.interactionRecorded.event.cursor,
    (d) => {
      const entry = d.interactionRecorded.interaction;
      if (entry) setRecorded((old) => [entry, ...old.filter((e) => e.id !== entry.id)]);
    },
  );
  useFeed(
    CustomerDealsDocument,
    {},
    (d) => d.opportunityChanged.event.cursor,
    (d) => d.opportunityChanged.opportunity?.customer.id === id && reload(),
  );
  useFeed(
    CustomerCasesDocument,
    {},
    (d) => d.caseChanged.event.cursor,
    (d) => d.caseChanged.case?.customer.id === id && reload(),
  );

  const c = customer.data?.customer;
  if (!c) return <Problem error={customer.error} />;
  const read = c.interactions?.edges.map((e) => e.node) ?? [];
  const timeline = [...recorded, ...read.filter((e) => !recorded.some((r) => r.id === e.id))].sort((a, b) => b.occurredAt.localeCompare(a.occurredAt));
  const touchpoints = (c.interactions?.totalCount ?? 0) + recorded.filter((r) => !read.some((e) => e.id === r.id)).length;
  const deals = c.opportunities?.edges.map((e) => e.node) ?? [];
  const cases = c.cases?.edges.map((e) => e.node) ?? [];
  return (
    <section data-screen="customer">
      <header className="screen-header">
        <h1>{c.displayName}</h1>
        <span className="muted">
          {words(c.kind)} · customer since {dateTime(c.createdAt)}
        </span>
      </header>
      <Problem error={customer.error} />
      <div className="figures">
        <Figure name="customer-touchpoints" label="Touchpoints" value={touchpoints}>
          {count(touchpoints)}
        </Figure>
        <Figure name="customer-deals" label="Deals" value={c.opportunities?.totalCount ?? 0}>
          {count(c.opportunities?.totalCount ?? 0)}
        </Figure>
        <Figure name="customer-cases" label="Cases" value={c.cases?.totalCount ?? 0}>
          {count(c.cases?.totalCount ?? 0)}
        </Figure>
      </div>
      <div className="panels">
        <section className="profile">
          <h2>Profile</h2>
          <dl>
            <dt>E-mail</dt>
            <dd>{c.emails?.join(', ') || '—'}</dd>
            <dt>Phone</dt>
            <dd>{c.phones?.join(', ') || '—'}</dd>
            {c.organizationName && (
              <>
                <dt>Organization</dt>
                <dd>{c.organizationName}</dd>
              </>
            )}
          </dl>
          <h2>Consents</h2>
          <ul className="consents">
            {c.consents.map((consent) => (
              <li key={consent.id} className={consent.status === 'GRANTED' ? 'granted' : 'withdrawn'}>
                {words(consent.purpose)} · {words(consent.channel)}: {words(consent.status)}
              </li>
            ))}
            {c.consents.length === 0 && <li className="muted">None recorded</li>}
          </ul>
        </section>
        <section className="timeline" data-list="timeline">
          <h2>Timeline</h2>
          <ol>
            {timeline.map((entry) => (
              <li key={entry.id} data-interaction={entry.id}>
                <time>{dateTime(entry.occurredAt)}</time> {words(entry.channel)} · {words(entry.type)}
              </li>
            ))}
          </ol>
        </section>
        <SortableTable<CustomerOpportunityFragment>
          caption="Opportunities"
          rows={deals}
          rowKey={(o) => o.id}
          columns={[
            { key: 'title', label: 'Deal', value: (o) => o.title },
            { key: 'stage', label: 'Stage', value: (o) => o.stage },
            { key: 'amount', label: 'Amount', value: (o) => Number(o.amount.amount), render: (o) => money(o.amount), numeric: true },
            { key: 'probability', label: 'Chance', value: (o) => o.probability, render: (o) => `${o.probability} %`, numeric: true },
            { key: 'owner', label: 'Owner', value: (o) => o.owner?.name ?? '—' },
          ]}
        />
        <SortableTable<CustomerCaseFragment>
          caption="Cases"
          rows={cases}
          rowKey={(k) => k.id}
          columns={[
            { key: 'subject', label: 'Case', value: (k) => k.subject },
            { key: 'status', label: 'Status', value: (k) => k.status, render: (k) => words(k.status) },
            { key: 'priority', label: 'Priority', value: (k) => k.priority, render: (k) => words(k.priority) },
            { key: 'sla', label: 'SLA', value: (k) => sla(k) },
          ]}
        />
      </div>
    </section>
  );
}

const sla = (k: CustomerCaseFragment) => (k.firstResponseBreached || k.resolutionBreached ? 'Breached' : k.slaAtRisk ? 'At risk' : 'On time');
