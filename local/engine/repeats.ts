/**
 * Repeat behaviour learnt from the training data: how likely a user's next interaction is an item
 * they already interacted with, by the event type of their latest interaction with it (a `view`
 * that was not followed by a `purchase` yet, a `cart`, ...) and by how many other items they
 * turned to since (its recency).
 *
 * An interaction counts as a repeat only when the same user interacted with the item at a
 * strictly earlier timestamp: a `click` and a `watch` row with the same timestamp are one event.
 * When fewer than `MIN_REPEAT_SHARE` of the interactions are repeats the data shows no repeat
 * behaviour and no repeat model is built: seen items are then never recommended.
 */
import type { PreparedData } from './dataset';
import { compact } from './model';
import type { RepeatState } from './model';

/** Below this share of repeat interactions, seen items are excluded as before. */
export const MIN_REPEAT_SHARE = 0.02;

/** Upper bounds (exclusive) of the recency buckets, in history positions from the newest item. */
export const AGE_BOUNDS: readonly number[] = [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64];

/** Buckets: one per bound plus "older". */
export const AGE_BUCKETS = AGE_BOUNDS.length + 1;

/** Pseudo-counts pulling sparse cells towards the coarser estimate. */
const PRIOR = 10;

/**
 * How the popularity baseline's hit rate maps to the personalised ranking's top item: the
 * personalised top item is taken to be this many times likelier to be the next interaction than
 * the most popular unseen item. Chosen on the sample e-commerce data with evaluation seeds other
 * than the default one (NDCG@10 is flat between 4 and 8; smaller values put seen items above
 * nearly every unseen one and score lower).
 */
const PERSONALISED_LIFT = 6;

/** The recency bucket of an item `age` positions from the newest history item. */
export function ageBucket(age: number): number {
  for (let b = 0; b < AGE_BOUNDS.length; b++) if (age < (AGE_BOUNDS[b] as number)) return b;
  return AGE_BOUNDS.length;
}

/** Event type key: lower-cased, `''` when absent. */
export function eventTypeKey(eventType: string | undefined): string {
  return (eventType ?? '').toLowerCase();
}

function repeatShare(data: PreparedData): number {
  const latest = new Map<string, number>();
  let repeats = 0;
  for (const { userId, itemId, timestamp } of data.interactions) {
    const key = `${userId}\u0000${itemId}`;
    const previous = latest.get(key);
    if (previous !== undefined && previous < timestamp) repeats++;
    if (previous === undefined) latest.set(key, timestamp);
  }
  return data.interactions.length === 0 ? 0 : repeats / data.interactions.length;
}

/**
 * Learns the repeat propensities, or `undefined` when the data shows (almost) no repeats.
 * Walks every user's interactions in time order; before each one, every item the user touched at
 * a strictly earlier time is a candidate in the cell (its latest event type, its recency bucket),
 * and a hit when it is the item of that interaction. The reference scale is the hit rate of the
 * most popular item the user has not touched yet, times `PERSONALISED_LIFT`.
 */
export function learnRepeats(data: PreparedData): RepeatState | undefined {
  if (repeatShare(data) < MIN_REPEAT_SHARE) return undefined;
  const eventTypes: string[] = [];
  const typeIndex = new Map<string, number>();
  const typeOf = (eventType: string | undefined): number => {
    const key = eventTypeKey(eventType);
    let index = typeIndex.get(key);
    if (index === undefined) {
      index = eventTypes.length;
      eventTypes.push(key);
      typeIndex.set(key, index);
    }
    return index;
  };
  for (const interaction of data.interactions) typeOf(interaction.eventType);
  const types = eventTypes.length;
  const hits = new Float64Array((types + 1) * AGE_BUCKETS);
  const trials = new Float64Array((types + 1) * AGE_BUCKETS);
  const popularOrder = Array.from(data.eventCounts.keys()).sort(
    (a, b) => (data.eventCounts[b] as number) - (data.eventCounts[a] as number) || a - b,
  );
  let popularHits = 0;
  let events = 0;

  const perUser = new Map<string, { item: number; type: number; timestamp: number }[]>();
  for (const interaction of data.interactions) {
    const entry = {
      item: data.itemIndex.get(interaction.itemId) as number,
      type: typeOf(interaction.eventType),
      timestamp: interaction.timestamp,
    };
    const list = perUser.get(interaction.userId);
    if (list === undefined) perUser.set(interaction.userId, [entry]);
    else list.push(entry);
  }
  const historyEvents: number[][] = data.userIds.map(() => []);
  for (const [userId, list] of perUser) {
    // Distinct items, latest interaction last, with that interaction's type and time.
    const order: number[] = [];
    const latest = new Map<number, { type: number; timestamp: number }>();
    for (const { item, type, timestamp } of list) {
      if (order.length > 0) {
        events++;
        let rank = 0;
        while (rank < popularOrder.length && latest.has(popularOrder[rank] as number)) rank++;
        if (popularOrder[rank] === item) popularHits++;
        let age = 0;
        for (let k = order.length - 1; k >= 0; k--) {
          const seen = order[k] as number;
          const last = latest.get(seen) as { type: number; timestamp: number };
          if (last.timestamp >= timestamp) continue;
          const cell = last.type * AGE_BUCKETS + ageBucket(age);
          trials[cell] = (trials[cell] as number) + 1;
          if (seen === item) hits[cell] = (hits[cell] as number) + 1;
          age++;
        }
      }
      if (latest.has(item)) order.splice(order.lastIndexOf(item), 1);
      order.push(item);
      latest.set(item, { type, timestamp });
    }
    const user = data.userIndex.get(userId) as number;
    historyEvents[user] = (data.histories[user]?.items ?? []).map(
      (item) => (latest.get(item) as { type: number }).type,
    );
  }

  // Any-type row; each type's cells shrink towards (type rate) × (any-type rate of the bucket) /
  // (overall rate), so a type never seen at some recency keeps its own level.
  const typeHits = new Float64Array(types);
  const typeTrials = new Float64Array(types);
  for (let t = 0; t < types; t++) {
    for (let b = 0; b < AGE_BUCKETS; b++) {
      const cell = t * AGE_BUCKETS + b;
      const any = types * AGE_BUCKETS + b;
      typeHits[t] = (typeHits[t] as number) + (hits[cell] as number);
      typeTrials[t] = (typeTrials[t] as number) + (trials[cell] as number);
      hits[any] = (hits[any] as number) + (hits[cell] as number);
      trials[any] = (trials[any] as number) + (trials[cell] as number);
    }
  }
  const allHits = typeHits.reduce((sum, h) => sum + h, 0);
  const allTrials = typeTrials.reduce((sum, n) => sum + n, 0);
  const overall = allTrials > 0 ? allHits / allTrials : 0;
  const propensity = new Array<number>((types + 1) * AGE_BUCKETS).fill(0);
  for (let b = 0; b < AGE_BUCKETS; b++) {
    const any = types * AGE_BUCKETS + b;
    const anyRate = ((hits[any] as number) + PRIOR * overall) / ((trials[any] as number) + PRIOR);
    propensity[any] = compact(anyRate);
    for (let t = 0; t < types; t++) {
      const cell = t * AGE_BUCKETS + b;
      const typeRate = ((typeHits[t] as number) + PRIOR * overall) / ((typeTrials[t] as number) + PRIOR);
      const prior = overall > 0 ? (typeRate * anyRate) / overall : 0;
      propensity[cell] = compact(
        ((hits[cell] as number) + PRIOR * prior) / ((trials[cell] as number) + PRIOR),
      );
    }
  }
  const popularRate = (popularHits + 1) / (events + 1);
  return {
    eventTypes,
    propensity,
    unseenReference: compact(popularRate * PERSONALISED_LIFT),
    historyEvents,
  };
}
