import { useEffect, useState } from 'react';
import { GlobalSearchDocument, type GlobalSearchQuery } from '../generated/graphql';
import { request } from '../client/http';

type Hit = GlobalSearchQuery['search'][number];

/** The gateway's global search; a customer hit opens their 360° page. */
export function SearchBox({ open }: { open: (customerId: string) => void }) {
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState<Hit[]>([]);
  useEffect(() => {
    if (query.trim().length < 2) return setHits([]);
    let current = true;
    const timer = setTimeout(() => {
      request(GlobalSearchDocument, { query: query.trim() }).then(
        (data) => current && setHits(data.search.filter((hit) => hit.customer)),
        () => current && setHits([]),
      );
    }, 200); // while the user is still typing, nothing is asked
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [query]);
  const choose = (hit: Hit) => {
    setQuery('');
    setHits([]);
    open(hit.customer!.id);
  };
  return (
    <div className="search" role="search">
      <input type="search" aria-label="Search customers" placeholder="Search customers…" value={query} onChange={(e) => setQuery(e.target.value)} />
      {hits.length > 0 && (
        <ul className="search-hits">
          {hits.map((hit) => (
            <li key={hit.customer!.id}>
              <button type="button" onClick={() => choose(hit)}>
                {hit.title}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
