import DataLoader from 'dataloader';

/**
 * A DataLoader per distinct argument set (e.g. `first: 3` vs `first: 10`) within one request:
 * parents asking for the same page shape are batched into one statement.
 */
export function loaderPerArgs<Args, K, V>(batch: (args: Args, keys: readonly K[]) => Promise<V[]>) {
  const loaders = new Map<string, DataLoader<K, V>>();
  return (args: Args): DataLoader<K, V> => {
    const key = JSON.stringify(args ?? {});
    let loader = loaders.get(key);
    if (!loader) {
      loader = new DataLoader<K, V>((keys) => batch(args, keys));
      loaders.set(key, loader);
    }
    return loader;
  };
}

/** Orders batch results to match the keys DataLoader asked for. */
export function byKeys<K, V>(keys: readonly K[], items: V[], keyOf: (item: V) => K): Array<V | null> {
  const found = new Map(items.map((item) => [keyOf(item), item]));
  return keys.map((key) => found.get(key) ?? null);
}

export function groupByKeys<K, V>(keys: readonly K[], items: V[], keyOf: (item: V) => K): V[][] {
  const groups = new Map<K, V[]>();
  for (const item of items) {
    const list = groups.get(keyOf(item)) ?? [];
    list.push(item);
    groups.set(keyOf(item), list);
  }
  return keys.map((key) => groups.get(key) ?? []);
}
