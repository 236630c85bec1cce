/**
 * The serialized form of trained models and the base class every model implements.
 */
import type { SegmentState } from './recipes/segments';
import type { Model, RankQuery, RecommendQuery, ScoredItem } from './types';

/** Version tag written into every serialized model. */
export const MODEL_FORMAT = 'personalize-local-engine/1';

/** A non-personalised model: items in rank order with their scores. */
export interface RankedListState {
  /** Best first. */
  itemIds: string[];
  /** Positive, non-increasing, aligned with `itemIds`. */
  scores: number[];
}

/** How a neighbourhood model turns a history into scores. */
export interface ScoringSettings {
  /** `related`: item-to-item (SIMS); `personalized`: user-to-item (User-Personalization, ranking). */
  mode: 'related' | 'personalized';
  /** A history item this many positions older than the newest counts half as much; 0 = no decay. */
  recencyHalfLife: number;
  /** Weight of the popularity prior added to every item. */
  popularityWeight: number;
  /**
   * Weight of the recent-popularity prior: popularity in the time buckets just before the user's
   * latest interaction (halving per bucket back in time), so a user active "now" sees what is
   * popular now.
   */
  recentPopularityWeight: number;
  /**
   * Weight of the user-neighbour vote: users who share the user's recent items lend their other
   * items (session-kNN); 0 disables it.
   */
  userNeighbourWeight: number;
  /** Weight of the user's item-metadata affinity. */
  metadataWeight: number;
  /** Never recommend items the user already interacted with. */
  excludeSeen: boolean;
  /** Newest history items used per query. */
  maxHistoryLength: number;
  /** Add Personalize v2 style `reason` lists to results. */
  reasons: boolean;
}

/**
 * Learnt repeat behaviour (see `repeats.ts`): with it, User-Personalization scores items the user
 * already interacted with instead of excluding them.
 */
export interface RepeatState {
  /** Lower-cased event types (`''` for none) indexing the rows. */
  eventTypes: string[];
  /**
   * Probability that a seen item is among the next interactions, per (latest event type, tied to
   * the newest timestamp, recency bucket): see `coarseIndex`, with a last row for any type.
   */
  propensity: number[];
  /** Keys (`cellKey`: latest type, set of types, tied, recency) of the finer cells, ascending. */
  cellKeys?: number[];
  /** Probability of each fine cell, shrunk towards its `propensity` cell. */
  cellRates?: number[];
  /** Probability mapped to the score of the best unseen item. */
  unseenReference: number;
  /** Per user: event type index of the latest interaction per entry of `histories`. */
  historyEvents: number[][];
  /** Per user: the set of event types (bits by type index) per entry of `histories`. */
  historyMasks?: number[][];
  /** Per user: how many newest entries of `histories` share the user's latest timestamp. */
  tiedCounts?: number[];
}

/** A neighbourhood model: top-K neighbour lists, user histories, popularity and metadata. */
export interface NeighbourhoodState {
  itemIds: string[];
  /** Popularity per item, scaled to a maximum of 1. */
  popularity: number[];
  /** Distinct users per item (exploration favours items with few). */
  userCounts: number[];
  /** Creation timestamp, else first interaction, per item (epoch seconds); null when unknown. */
  itemAges: (number | null)[];
  /** Interaction counts per item and time bucket, for the recent-popularity prior. */
  timeline: {
    start: number;
    width: number;
    size: number;
    offsets: number[];
    buckets: number[];
    counts: number[];
  };
  /** CSR neighbour lists over item indices. */
  neighbours: { offsets: number[]; items: number[]; scores: number[] };
  /** Item metadata token vectors in CSR layout (empty when the recipe does not use them). */
  tokens: { offsets: number[]; ids: number[]; weights: number[] };
  userIds: string[];
  /** Per user: item indices, oldest first. */
  histories: number[][];
  /** Per user: timestamp of the latest interaction. */
  lastSeen: number[];
  /** Newest training timestamp: "now" for exploration unless the query says otherwise. */
  referenceTime: number;
  seed: number;
  settings: ScoringSettings;
  /** Repeat behaviour; absent when the training data shows none (seen items are then excluded). */
  repeat?: RepeatState;
}

/** JSON-safe form of a trained model, as stored by the emulator. */
export type SerializedModel =
  | { format: typeof MODEL_FORMAT; recipe: string; kind: 'ranked-list'; state: RankedListState }
  | { format: typeof MODEL_FORMAT; recipe: string; kind: 'neighbourhood'; state: NeighbourhoodState }
  | { format: typeof MODEL_FORMAT; recipe: string; kind: 'segments'; state: SegmentState };

/** Base class of the engine's models: a Model that can serialize itself. */
export abstract class EngineModel implements Model {
  constructor(public readonly recipe: string) {}

  abstract recommend(q: RecommendQuery): ScoredItem[];

  abstract rank(q: RankQuery): ScoredItem[];

  /** The JSON-safe state `deserializeModel` restores. */
  abstract serialize(): SerializedModel;
}

/** Rounds to 6 significant digits to keep serialized models compact. */
export function compact(value: number): number {
  return Number(value.toPrecision(6));
}

/**
 * Orders an input list for GetPersonalizedRanking: known items by descending score (ties keep
 * input order), then unknown items in input order with score 0. Scores of known items sum to 1.
 */
export function rankInputList(
  inputList: readonly string[],
  scoreOf: (itemId: string) => number | undefined,
): ScoredItem[] {
  const seen = new Set<string>();
  const known: { itemId: string; score: number; order: number }[] = [];
  const unknown: string[] = [];
  inputList.forEach((itemId, order) => {
    if (seen.has(itemId)) return;
    seen.add(itemId);
    const score = scoreOf(itemId);
    if (score === undefined) unknown.push(itemId);
    else known.push({ itemId, score: Math.max(0, score), order });
  });
  known.sort((a, b) => b.score - a.score || a.order - b.order);
  const total = known.reduce((sum, entry) => sum + entry.score, 0);
  return [
    ...known.map(({ itemId, score }) => ({
      itemId,
      score: total > 0 ? score / total : 1 / known.length,
    })),
    ...unknown.map((itemId) => ({ itemId, score: 0 })),
  ];
}
