/** Small hand-made datasets for the engine tests. */
import type { Interaction, ItemRecord, TrainingData } from '../../local/engine';

/**
 * Interactions from a `user → items` map: each user's items in the given order, one second
 * apart, users one hour apart, starting at `start`.
 */
export function histories(
  spec: Record<string, string[]>,
  start = 1_700_000_000,
  eventType = 'click',
): Interaction[] {
  return Object.entries(spec).flatMap(([userId, items], u) =>
    items.map((itemId, k) => ({ userId, itemId, timestamp: start + u * 3600 + k, eventType })),
  );
}

/** Item records with a `|`-joined GENRE field. */
export function catalogue(genres: Record<string, string>): ItemRecord[] {
  return Object.entries(genres).map(([itemId, genre]) => ({ itemId, fields: { GENRE: genre } }));
}

/** `count` users named `${prefix}${k}` who each interacted with `items` (in order). */
export function crowd(prefix: string, count: number, items: string[]): Record<string, string[]> {
  return Object.fromEntries(Array.from({ length: count }, (_, k) => [`${prefix}${k}`, items]));
}

/**
 * Two taste clusters: shoe people buy s1..s4 together, bag people buy b1..b4 together, and
 * everybody also touches the blockbuster `pop`.
 */
export function twoClusters(): TrainingData {
  const spec: Record<string, string[]> = {
    ...crowd('shoe', 6, ['pop', 's1', 's2', 's3', 's4']),
    ...crowd('bag', 6, ['pop', 'b1', 'b2', 'b3', 'b4']),
    ...crowd('fan', 8, ['pop']),
  };
  return {
    interactions: histories(spec),
    items: catalogue({
      pop: 'misc',
      s1: 'shoes',
      s2: 'shoes',
      s3: 'shoes',
      s4: 'shoes',
      s5: 'shoes',
      b1: 'bags',
      b2: 'bags',
      b3: 'bags',
      b4: 'bags',
    }),
    users: [],
  };
}

/** Item ids of a result list. */
export function ids(results: readonly { itemId: string }[]): string[] {
  return results.map((result) => result.itemId);
}
