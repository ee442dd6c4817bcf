import type { EntityManager } from '@mikro-orm/postgresql';
import type { GraphClient } from '@crm/kit/graph-client.js';
import type { Logger } from '@crm/kit/logger.js';
import { platform } from '@crm/kit/config.js';
import type { QuotedFinancing, QuotedProduct } from '../projection/projection.entity.js';
import { languageFor } from './templates/render.js';
import type { Language } from './templates/catalog.js';

/** What a template may read about the customer, as marketing knows it when the message leaves. */
export interface TemplateData {
  firstName: string | null;
  lastName: string | null;
  displayName: string | null;
  dealer: { name: string };
  rep: { name: string } | null;
  /** Every car quoted to the customer (sent quotes), oldest first, each once. */
  cars: string[];
  financing: QuotedFinancing[];
  [field: string]: unknown;
}

const REP_NAME_TTL_MS = 10 * 60_000;
const repNames = new Map<string, { name: string | null; until: number }>();

/** A rep's name from identity (the staff directory is identity's), remembered for a few minutes. */
async function repName(graph: GraphClient, userId: string, log: Logger): Promise<string | null> {
  const known = repNames.get(userId);
  if (known && known.until > Date.now()) return known.name;
  try {
    const { user } = await graph.query<{ user: { name: string } | null }>('identity', 'query Rep($id: ID!) { user(id: $id) { name } }', { id: userId });
    repNames.set(userId, { name: user?.name ?? null, until: Date.now() + REP_NAME_TTL_MS });
    return user?.name ?? null;
  } catch (error) {
    // The message still goes, signed by the dealer instead of the rep.
    log.warn({ err: error, userId }, 'could not read the rep of a message from identity');
    return null;
  }
}

/** The customer's fields for templates and the language to write in. `extra` (the message's own data) wins. */
export async function templateData(
  em: EntityManager,
  graph: GraphClient,
  customerId: string,
  extra: Record<string, unknown>,
  log: Logger,
): Promise<{ language: Language; data: TemplateData }> {
  const dealer = platform();
  const [profile] = await em.execute<
    Array<{ first_name: string | null; last_name: string | null; organization_name: string | null; preferred_language: string | null }>
  >('select first_name, last_name, organization_name, preferred_language from customer_profile where id = ?', [customerId]);
  const quotes = await em.execute<Array<{ products: QuotedProduct[]; financing: QuotedFinancing[] | null }>>(
    'select products, financing from quote_snapshot where customer_id = ? and sent_at is not null order by sent_at, id',
    [customerId],
  );
  const [owner] = await em.execute<Array<{ owner_id: string }>>(
    `select owner_id from opportunity_state where customer_id = ? and owner_id is not null order by is_open desc, changed_at desc limit 1`,
    [customerId],
  );
  const name = owner ? await repName(graph, owner.owner_id, log) : null;
  const displayName = profile?.organization_name ?? ([profile?.first_name, profile?.last_name].filter(Boolean).join(' ') || null);
  return {
    language: languageFor(profile?.preferred_language, dealer.DEALER_LANGUAGE),
    data: {
      firstName: profile?.first_name ?? null,
      lastName: profile?.last_name ?? null,
      displayName,
      dealer: { name: dealer.DEALER_NAME },
      rep: name ? { name } : null,
      cars: [...new Set(quotes.flatMap((quote) => quote.products.map((product) => product.name)))],
      financing: quotes.flatMap((quote) => quote.financing ?? []),
      ...extra,
    },
  };
}
