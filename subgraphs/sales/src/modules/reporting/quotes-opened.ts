import type { EntityManager } from '@mikro-orm/postgresql';
import { Field, Int, ObjectType } from 'type-graphql';
import type { Viewer } from '@crm/kit/access/viewer.js';
import { platform } from '@crm/kit/config.js';
import { atLocalTime, localDateOf } from '@crm/kit/local-time.js';
import { Quote } from '../quote/quote.entity.js';
import { quoteFilterSql } from '../quote/quote.queries.js';

@ObjectType({ description: 'Quotes customers opened (their link or as staff recorded it) since a moment' })
export class QuotesOpened {
  @Field(() => Date, { description: "From when: the given since, or the start of today in the dealer's time zone" }) since!: Date;
  @Field(() => Int, { description: 'Distinct quotes opened since then' }) count!: number;
  @Field(() => [Quote], { description: 'Those quotes, the latest opened first, at most 50' }) quotes!: Quote[];
}

export const MAX_OPENED_QUOTES = 50;

/** The start of the dealer's day that `now` falls in (DEALER_TIME_ZONE). */
export const startOfDealerDay = (now: Date, timeZone = platform().DEALER_TIME_ZONE): Date => atLocalTime(localDateOf(now, timeZone), 0, 0, timeZone);

/** The opens (quote_view of kind OPENED, indexed on kind and time) of the quotes the viewer may see, per quote. */
export async function quotesOpened(em: EntityManager, since: Date | null | undefined, viewer: Viewer, now = new Date()): Promise<QuotesOpened> {
  const from = since ?? startOfDealerDay(now);
  const visible = quoteFilterSql(null, viewer);
  const rows = await em.getConnection().execute<Array<{ quote_id: string; total: number }>>(
    `with opened as (
       select v.quote_id, max(v.viewed_at) as last_opened
         from quote_view v join quote on quote.id = v.quote_id
        where v.kind = 'OPENED' and v.viewed_at >= ? ${visible ? `and ${visible.sql}` : ''}
        group by v.quote_id)
     select quote_id, (count(*) over ())::int as total from opened order by last_opened desc, quote_id limit ?`,
    [from, ...(visible?.params ?? []), MAX_OPENED_QUOTES],
  );
  const quotes = new Map((await em.find(Quote, { id: { $in: rows.map((row) => row.quote_id) } })).map((quote) => [quote.id, quote]));
  return { since: from, count: rows[0]?.total ?? 0, quotes: rows.flatMap((row) => quotes.get(row.quote_id) ?? []) };
}
