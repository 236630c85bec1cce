/**
 * aws-popularity-count and aws-trending-now.
 */
import type { PreparedData } from '../dataset';
import { durationParameter } from '../hyperparameters';
import type { RankedListState } from '../model';
import type { TrainOptions } from '../types';
import { rankedListState } from './ranked-list';

/** Popularity-Count: items by number of (selected) interaction events. */
export function trainPopularityCount(data: PreparedData): RankedListState {
  const scores = new Map<string, number>();
  data.itemIds.forEach((itemId, index) => scores.set(itemId, data.eventCounts[index] as number));
  return rankedListState(scores);
}

/** Default `trend_discovery_frequency`: one day. */
export const DEFAULT_TREND_WINDOW_SECONDS = 86_400;

/**
 * Trending-Now: compares each item's interactions in the newest window of
 * `trend_discovery_frequency` with the window before it. Items whose count grew rank first, by
 * growth `(recent - previous) / sqrt(previous + 1)` (absolute growth, damped for items that were
 * already popular); items that did not grow follow, by recent then total interactions.
 */
export function trainTrendingNow(data: PreparedData, options: TrainOptions): RankedListState {
  const window = durationParameter(
    options.hyperParameters,
    'trend_discovery_frequency',
    DEFAULT_TREND_WINDOW_SECONDS,
  );
  const end = data.maxTimestamp;
  const n = data.itemIds.length;
  const recent = new Float64Array(n);
  const previous = new Float64Array(n);
  for (const interaction of data.interactions) {
    const age = end - interaction.timestamp;
    const item = data.itemIndex.get(interaction.itemId) as number;
    if (age < window) recent[item] = (recent[item] as number) + 1;
    else if (age < 2 * window) previous[item] = (previous[item] as number) + 1;
  }
  const entries = data.itemIds
    .map((itemId, i) => ({
      itemId,
      growth: ((recent[i] as number) - (previous[i] as number)) / Math.sqrt((previous[i] as number) + 1),
      recent: recent[i] as number,
      total: data.eventCounts[i] as number,
    }))
    .filter((entry) => entry.total > 0)
    .sort(
      (a, b) =>
        Math.max(b.growth, 0) - Math.max(a.growth, 0) ||
        b.recent - a.recent ||
        b.total - a.total ||
        (a.itemId < b.itemId ? -1 : a.itemId > b.itemId ? 1 : 0),
    );
  const growing = entries.filter((entry) => entry.growth > 0);
  const floor = Math.min(1, ...growing.map((entry) => entry.growth)) / 2;
  const rest = entries.length - growing.length;
  return {
    itemIds: entries.map((entry) => entry.itemId),
    scores: entries.map((entry, k) =>
      entry.growth > 0 ? entry.growth : floor * (1 - (k - growing.length) / (rest + 1)),
    ),
  };
}
