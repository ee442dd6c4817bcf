import { QuoteMovesDocument, QuotesOpenedTodayDocument, type QuotesOpenedTodayQuery } from '../generated/graphql';
import { feed, useLiveQuery } from '../client/hooks';
import { Figure } from '../ui/Figure';
import { SortableTable } from '../ui/SortableTable';
import { count, money } from '../ui/format';

type Quote = QuotesOpenedTodayQuery['quotesOpened']['quotes'][number];

/** Quotes customers opened today (a quote's open arrives as a QuoteViewed event: read again then). */
export function QuotesOpenedPanel() {
  const opened = useLiveQuery(QuotesOpenedTodayDocument, {}, [feed(QuoteMovesDocument, {}, (d) => d.quoteChanged.event.cursor)]);
  const data = opened.data?.quotesOpened;
  if (!data) return null;
  return (
    <div className="panel">
      <Figure name="quotes-opened" label="Quotes opened today" value={data.count}>
        {count(data.count)}
      </Figure>
      <SortableTable<Quote>
        caption="Opened today"
        rows={data.quotes}
        rowKey={(q) => q.id}
        onRowClick={(q) => (location.hash = `#/customer/${q.customer.id}`)}
        columns={[
          { key: 'customer', label: 'Customer', value: (q) => q.customer.displayName },
          { key: 'title', label: 'Quote', value: (q) => q.title },
          { key: 'total', label: 'Total', value: (q) => Number(q.total.amount), render: (q) => money(q.total), numeric: true },
        ]}
      />
    </div>
  );
}
