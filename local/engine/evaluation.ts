/**
 * Offline evaluation with Personalize's protocol: 10% of users are held out; each held-out user's
 * oldest 90% of interactions are the input history and the newest 10% are the relevant items;
 * the model is trained on the other users only and ranks the full catalogue.
 */
import { selectInteractions } from './dataset';
import { EngineError } from './errors';
import { coverage, ndcgAtK, precisionAtK, reciprocalRankAtK } from './metrics';
import { createRandom } from './random';
import { recipeName, train } from './recipes';
import { DEFAULT_SEED } from './recipes/personalization';
import type { Interaction, OfflineMetrics, TrainingData, TrainOptions } from './types';

/** Share of users held out for testing. */
export const TEST_USER_FRACTION = 0.1;
/** Share of a test user's interactions (the oldest) used as input history. */
export const HISTORY_FRACTION = 0.9;
/** Ranking depth of every metric. */
const DEPTH = 25;

/** A held-out user: the input history and the relevant (held-back) items. */
export interface TestUser {
  userId: string;
  /** Oldest 90% of the user's interactions, oldest first. */
  history: Interaction[];
  /** Distinct items of the newest 10%, in time order. */
  relevant: string[];
}

/** The train / test split of an evaluation. */
export interface EvaluationSplit {
  /** Interactions of the training users only. */
  training: Interaction[];
  test: TestUser[];
}

function byUser(interactions: readonly Interaction[]): Map<string, Interaction[]> {
  const users = new Map<string, Interaction[]>();
  for (const interaction of interactions) {
    const list = users.get(interaction.userId);
    if (list === undefined) users.set(interaction.userId, [interaction]);
    else list.push(interaction);
  }
  return users;
}

/** Splits one user's interactions (any order) into the oldest 90% and the distinct newest 10%. */
export function splitUserHistory(userId: string, interactions: readonly Interaction[]): TestUser {
  const ordered = interactions
    .map((interaction, order) => ({ interaction, order }))
    .sort((a, b) => a.interaction.timestamp - b.interaction.timestamp || a.order - b.order)
    .map(({ interaction }) => interaction);
  const historyCount = Math.min(ordered.length - 1, Math.floor(ordered.length * HISTORY_FRACTION));
  const relevant = [...new Set(ordered.slice(historyCount).map((interaction) => interaction.itemId))];
  return { userId, history: ordered.slice(0, historyCount), relevant };
}

/**
 * Holds out 10% of the users (at least one), chosen by a seeded shuffle of the sorted user ids,
 * so the split depends only on the data and the seed.
 */
export function splitForEvaluation(interactions: readonly Interaction[], seed: number): EvaluationSplit {
  const users = byUser(interactions);
  const userIds = [...users.keys()].sort();
  if (userIds.length < 2) {
    throw new EngineError('Offline evaluation needs interactions from at least 2 users.');
  }
  const random = createRandom(seed);
  for (let i = userIds.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [userIds[i], userIds[j]] = [userIds[j] as string, userIds[i] as string];
  }
  const testCount = Math.max(1, Math.round(userIds.length * TEST_USER_FRACTION));
  const testIds = new Set(userIds.slice(0, testCount));
  return {
    training: interactions.filter((interaction) => !testIds.has(interaction.userId)),
    test: [...testIds].sort().map((userId) => splitUserHistory(userId, users.get(userId) as Interaction[])),
  };
}

/** Averages per-user metrics over test users; coverage over the whole catalogue. */
export function summarise(
  rankings: readonly { ranked: readonly string[]; relevant: readonly string[] }[],
  catalogueSize: number,
): OfflineMetrics {
  const mean = (metric: (ranked: readonly string[], relevant: ReadonlySet<string>) => number): number =>
    rankings.length === 0
      ? 0
      : rankings.reduce((sum, { ranked, relevant }) => sum + metric(ranked, new Set(relevant)), 0) /
        rankings.length;
  const recommended = new Set(rankings.flatMap(({ ranked }) => ranked.slice(0, DEPTH)));
  return {
    coverage: coverage(recommended, catalogueSize),
    mean_reciprocal_rank_at_25: mean((r, rel) => reciprocalRankAtK(r, rel, 25)),
    normalized_discounted_cumulative_gain_at_5: mean((r, rel) => ndcgAtK(r, rel, 5)),
    normalized_discounted_cumulative_gain_at_10: mean((r, rel) => ndcgAtK(r, rel, 10)),
    normalized_discounted_cumulative_gain_at_25: mean((r, rel) => ndcgAtK(r, rel, 25)),
    precision_at_5: mean((r, rel) => precisionAtK(r, rel, 5)),
    precision_at_10: mean((r, rel) => precisionAtK(r, rel, 10)),
    precision_at_25: mean((r, rel) => precisionAtK(r, rel, 25)),
  };
}

/** What every held-out user was recommended, before averaging into metrics. */
export interface EvaluationRankings {
  rankings: { userId: string; ranked: string[]; relevant: string[] }[];
  /** Distinct items in the Interactions and Items datasets. */
  catalogueSize: number;
}

/**
 * Trains on the training users and ranks for every held-out user (see the module comment).
 * Ranking recipes rank the full catalogue with GetPersonalizedRanking semantics; the others answer
 * GetRecommendations with the history passed as real-time events.
 */
export function evaluateRankings(data: TrainingData, options: TrainOptions): EvaluationRankings {
  const seed = options.seed ?? DEFAULT_SEED;
  const selected = selectInteractions(data.interactions, options);
  const split = splitForEvaluation(selected, seed);
  const model = train({ ...data, interactions: split.training }, options);
  const catalogue = [
    ...new Set([...data.items.map((item) => item.itemId), ...selected.map((i) => i.itemId)]),
  ];
  const ranking = recipeName(options.recipe).startsWith('aws-personalized-ranking');
  const rankings = split.test.map(({ userId, history, relevant }) => {
    const results = ranking
      ? model.rank({ userId, inputList: catalogue, recentInteractions: history }).slice(0, DEPTH)
      : model.recommend({ userId, numResults: DEPTH, recentInteractions: history });
    return { userId, ranked: results.map((result) => result.itemId), relevant };
  });
  return { rankings, catalogueSize: catalogue.length };
}

/** Personalize's offline metrics for a recipe on this data (GetSolutionMetrics). */
export function evaluate(data: TrainingData, options: TrainOptions): OfflineMetrics {
  const { rankings, catalogueSize } = evaluateRankings(data, options);
  return summarise(rankings, catalogueSize);
}
