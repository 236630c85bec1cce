/**
 * Item-item neighbour lists: co-occurrence in user histories and shared item metadata.
 *
 * Lists are computed once at training time and kept top-K per item, so serving is a few array
 * reads per history item.
 */
import { selectTop as keepTop } from './top-k';
import type { ItemRecord } from './types';

/** Top-K neighbours of every item in CSR layout: item i owns `[offsets[i], offsets[i+1])`. */
export interface NeighbourLists {
  offsets: Int32Array;
  items: Int32Array;
  scores: Float64Array;
}

/** Tuning of the co-occurrence similarity. */
export interface CooccurrenceOptions {
  /** Exponent d in score = C(i,j) / (n_i^d * n_j^d); 0 keeps raw counts, 1 is fully discounted. */
  popularityDiscount: number;
  /** Pairs seen together by fewer users are dropped. */
  minCointeraction: number;
  /** Neighbours kept per item. */
  maxNeighbours: number;
  /** A user with h items contributes 1 / h^e to each of their pairs (damps heavy users). */
  userWeightExponent: number;
}

function toLists(perItem: { items: number[]; scores: number[] }[]): NeighbourLists {
  const offsets = new Int32Array(perItem.length + 1);
  let total = 0;
  perItem.forEach((list, i) => {
    offsets[i] = total;
    total += list.items.length;
  });
  offsets[perItem.length] = total;
  const items = new Int32Array(total);
  const scores = new Float64Array(total);
  perItem.forEach((list, i) => {
    items.set(list.items, offsets[i]);
    scores.set(list.scores, offsets[i]);
  });
  return { offsets, items, scores };
}

/**
 * Co-occurrence neighbours: two items are similar when the same users interacted with both,
 * discounted by both items' popularity.
 */
export function cooccurrenceNeighbours(
  histories: readonly { items: readonly number[] }[],
  itemCount: number,
  options: CooccurrenceOptions,
): NeighbourLists {
  const trimmed = histories.map((history) => history.items);
  const usersOf: number[][] = Array.from({ length: itemCount }, () => []);
  trimmed.forEach((items, user) => {
    for (const item of items) (usersOf[item] as number[]).push(user);
  });
  const userWeight = trimmed.map((items) =>
    items.length === 0 ? 0 : 1 / Math.pow(items.length, options.userWeightExponent),
  );
  const popularity = usersOf.map((users) =>
    Math.pow(
      Math.max(
        1,
        users.reduce((sum, user) => sum + (userWeight[user] as number), 0),
      ),
      options.popularityDiscount,
    ),
  );

  const weighted = new Float64Array(itemCount);
  const counts = new Int32Array(itemCount);
  const perItem: { items: number[]; scores: number[] }[] = [];
  for (let i = 0; i < itemCount; i++) {
    const touched: number[] = [];
    for (const user of usersOf[i] as number[]) {
      const weight = userWeight[user] as number;
      for (const j of trimmed[user] as readonly number[]) {
        if (j === i) continue;
        if (counts[j] === 0) touched.push(j);
        counts[j] = (counts[j] as number) + 1;
        weighted[j] = (weighted[j] as number) + weight;
      }
    }
    const kept = touched.filter((j) => (counts[j] as number) >= options.minCointeraction);
    const norm = popularity[i] as number;
    const scoreOf = (j: number): number => (weighted[j] as number) / (norm * (popularity[j] as number));
    const best = keepTop(kept, scoreOf, options.maxNeighbours);
    perItem.push({ items: best, scores: best.map(scoreOf) });
    for (const j of touched) {
      counts[j] = 0;
      weighted[j] = 0;
    }
  }
  return toLists(perItem);
}

/** Item metadata as sparse, L2-normalised, IDF-weighted token vectors. */
export interface TokenVectors {
  /** Token names, e.g. `GENRE=Comedy`. */
  tokens: string[];
  /** CSR layout per item index. */
  offsets: Int32Array;
  ids: Int32Array;
  weights: Float64Array;
}

/**
 * Categorical tokens of an item: every string field, split on `|` (Personalize's multi-value
 * separator). Numbers and booleans are not categorical and are ignored; very long strings are
 * treated as free text and ignored too.
 */
export function itemTokens(record: ItemRecord | undefined): string[] {
  if (record === undefined) return [];
  const tokens = new Set<string>();
  for (const [field, value] of Object.entries(record.fields)) {
    if (typeof value !== 'string' || value.length > 256) continue;
    for (const part of value.split('|')) {
      const token = part.trim();
      if (token.length > 0) tokens.add(`${field.toUpperCase()}=${token}`);
    }
  }
  return [...tokens];
}

/** Builds token vectors for every item; items without metadata get an empty vector. */
export function buildTokenVectors(records: readonly (ItemRecord | undefined)[]): TokenVectors {
  const tokenIndex = new Map<string, number>();
  const tokens: string[] = [];
  const documentFrequency: number[] = [];
  const perItem = records.map((record) =>
    itemTokens(record).map((token) => {
      let id = tokenIndex.get(token);
      if (id === undefined) {
        id = tokens.length;
        tokens.push(token);
        tokenIndex.set(token, id);
        documentFrequency.push(0);
      }
      documentFrequency[id] = (documentFrequency[id] as number) + 1;
      return id;
    }),
  );
  const withMetadata = perItem.filter((ids) => ids.length > 0).length;
  const idf = documentFrequency.map((df) => Math.log(1 + withMetadata / df));
  const offsets = new Int32Array(records.length + 1);
  const ids: number[] = [];
  const weights: number[] = [];
  perItem.forEach((itemIds, i) => {
    offsets[i] = ids.length;
    const sorted = [...itemIds].sort((a, b) => a - b);
    const raw = sorted.map((id) => idf[id] as number);
    const norm = Math.sqrt(raw.reduce((sum, w) => sum + w * w, 0)) || 1;
    sorted.forEach((id, k) => {
      ids.push(id);
      weights.push((raw[k] as number) / norm);
    });
  });
  offsets[records.length] = ids.length;
  return { tokens, offsets, ids: Int32Array.from(ids), weights: Float64Array.from(weights) };
}

/** Cosine similarity of item token vectors, top-K per item, via an inverted index. */
export function metadataNeighbours(vectors: TokenVectors, maxNeighbours: number): NeighbourLists {
  const itemCount = vectors.offsets.length - 1;
  const postings: { item: number; weight: number }[][] = vectors.tokens.map(() => []);
  for (let i = 0; i < itemCount; i++) {
    for (let k = vectors.offsets[i] as number; k < (vectors.offsets[i + 1] as number); k++) {
      (postings[vectors.ids[k] as number] as { item: number; weight: number }[]).push({
        item: i,
        weight: vectors.weights[k] as number,
      });
    }
  }
  const accumulator = new Float64Array(itemCount);
  const perItem: { items: number[]; scores: number[] }[] = [];
  for (let i = 0; i < itemCount; i++) {
    const touched: number[] = [];
    for (let k = vectors.offsets[i] as number; k < (vectors.offsets[i + 1] as number); k++) {
      const weight = vectors.weights[k] as number;
      for (const posting of postings[vectors.ids[k] as number] as { item: number; weight: number }[]) {
        if (posting.item === i) continue;
        if (accumulator[posting.item] === 0) touched.push(posting.item);
        accumulator[posting.item] = (accumulator[posting.item] as number) + weight * posting.weight;
      }
    }
    const scoreOf = (j: number): number => accumulator[j] as number;
    const best = keepTop(touched, scoreOf, maxNeighbours);
    perItem.push({ items: best, scores: best.map(scoreOf) });
    for (const j of touched) accumulator[j] = 0;
  }
  return toLists(perItem);
}

/** Tuning of the sequential (nearby-in-history) similarity. */
export interface SequentialOptions {
  /** Pairs at most this many positions apart in a history count. */
  window: number;
  /** Exponent d of the popularity discount, as for co-occurrence. */
  popularityDiscount: number;
  /** Weight of a pair read backwards (j before i) relative to forwards (i before j). */
  backwardWeight: number;
  maxNeighbours: number;
}

/**
 * Sequential neighbours: item j is close to item i when users interact with j shortly after
 * (or, with less weight, shortly before) i. A pair `distance` positions apart adds
 * 1 / distance; the sum is discounted by both items' popularity.
 */
export function sequentialNeighbours(
  histories: readonly { items: readonly number[] }[],
  itemCount: number,
  options: SequentialOptions,
): NeighbourLists {
  const userCounts = new Float64Array(itemCount);
  const pairs: { targets: number[]; weights: number[] }[] = Array.from({ length: itemCount }, () => ({
    targets: [],
    weights: [],
  }));
  for (const { items } of histories) {
    for (const item of items) userCounts[item] = (userCounts[item] as number) + 1;
    for (let p = 0; p < items.length; p++) {
      const i = items[p] as number;
      const end = Math.min(items.length, p + 1 + options.window);
      for (let q = p + 1; q < end; q++) {
        const j = items[q] as number;
        const weight = 1 / (q - p);
        (pairs[i] as { targets: number[]; weights: number[] }).targets.push(j);
        (pairs[i] as { targets: number[]; weights: number[] }).weights.push(weight);
        if (options.backwardWeight > 0) {
          (pairs[j] as { targets: number[]; weights: number[] }).targets.push(i);
          (pairs[j] as { targets: number[]; weights: number[] }).weights.push(
            weight * options.backwardWeight,
          );
        }
      }
    }
  }
  const discount = Array.from(userCounts, (count) =>
    Math.pow(Math.max(1, count), options.popularityDiscount),
  );
  const accumulator = new Float64Array(itemCount);
  const perItem: { items: number[]; scores: number[] }[] = [];
  for (let i = 0; i < itemCount; i++) {
    const { targets, weights } = pairs[i] as { targets: number[]; weights: number[] };
    const touched: number[] = [];
    targets.forEach((j, k) => {
      if (j === i) return;
      if (accumulator[j] === 0) touched.push(j);
      accumulator[j] = (accumulator[j] as number) + (weights[k] as number);
    });
    const norm = discount[i] as number;
    const scoreOf = (j: number): number => (accumulator[j] as number) / (norm * (discount[j] as number));
    const best = keepTop(touched, scoreOf, options.maxNeighbours);
    perItem.push({ items: best, scores: best.map(scoreOf) });
    for (const j of touched) accumulator[j] = 0;
    pairs[i] = { targets: [], weights: [] };
  }
  return toLists(perItem);
}

/**
 * Weighted sum of several neighbour lists, each first scaled so that every item's best
 * neighbour scores 1; keeps the top `maxNeighbours` per item.
 */
export function mixNeighbours(
  parts: readonly { lists: NeighbourLists; weight: number }[],
  maxNeighbours: number,
): NeighbourLists {
  const itemCount = (parts[0] as { lists: NeighbourLists }).lists.offsets.length - 1;
  const perItem: { items: number[]; scores: number[] }[] = [];
  for (let i = 0; i < itemCount; i++) {
    const combined = new Map<number, number>();
    for (const { lists, weight } of parts) {
      const start = lists.offsets[i] as number;
      const end = lists.offsets[i + 1] as number;
      let top = 0;
      for (let k = start; k < end; k++) top = Math.max(top, lists.scores[k] as number);
      if (top === 0 || weight === 0) continue;
      for (let k = start; k < end; k++) {
        const j = lists.items[k] as number;
        combined.set(j, (combined.get(j) ?? 0) + (weight * (lists.scores[k] as number)) / top);
      }
    }
    const scoreOf = (j: number): number => combined.get(j) as number;
    const best = keepTop([...combined.keys()], scoreOf, maxNeighbours);
    perItem.push({ items: best, scores: best.map(scoreOf) });
  }
  return toLists(perItem);
}
