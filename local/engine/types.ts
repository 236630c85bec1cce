/**
 * Public data types of the local recommendation engine.
 *
 * The engine is pure TypeScript: it never touches the file system, the network or AWS. Callers
 * (the Personalize emulator, benchmarks, tests) hand it plain records and get plain results back.
 */

/** A scalar column value as read from a Personalize dataset. */
export type FieldValue = string | number | boolean | null;

/** One row of the Interactions dataset (or one real-time event from PutEvents). */
export interface Interaction {
  userId: string;
  itemId: string;
  /** Epoch seconds. */
  timestamp: number;
  eventType?: string;
  eventValue?: number | null;
}

/** One row of the Items dataset. */
export interface ItemRecord {
  itemId: string;
  /** Epoch seconds of the CREATION_TIMESTAMP column, when the schema has one. */
  creationTimestamp?: number | null;
  /**
   * Every other column, keyed by the schema field name (for example `CATEGORY_L1`).
   * Multi-value categorical fields keep Personalize's `|`-joined form, e.g. `"shoes|bags"`.
   */
  fields: Record<string, FieldValue>;
}

/** One row of the Users dataset. */
export interface UserRecord {
  userId: string;
  fields: Record<string, FieldValue>;
}

/** Everything a solution version is trained on. */
export interface TrainingData {
  interactions: Interaction[];
  items: ItemRecord[];
  users: UserRecord[];
}

/** How to train: the solution's recipe and configuration. */
export interface TrainOptions {
  /** Service recipe name, e.g. `aws-sims` (not the ARN). */
  recipe: string;
  /** `algorithmHyperParameters` passthrough; values are strings as in the Personalize API. */
  hyperParameters?: Record<string, string>;
  /** `featureTransformationParameters` passthrough. */
  featureTransformationParameters?: Record<string, string>;
  /** Train only on interactions of this event type when set. */
  eventType?: string;
  /** Drop interactions whose event value is below this threshold. */
  eventValueThreshold?: number;
  /** Seed for every pseudo-random choice (evaluation split, exploration). @default 42 */
  seed?: number;
}

/** Exploration settings of a campaign (`itemExplorationConfig`). */
export interface ExplorationConfig {
  /** `explorationWeight`, 0..1: share of the results given to fresh or rarely seen items. */
  weight: number;
  /** `explorationItemAgeCutOff`: items created (or first seen) within this many days count as fresh. */
  itemAgeCutOffDays: number;
}

/** A GetRecommendations request as seen by the engine. */
export interface RecommendQuery {
  userId?: string;
  itemId?: string;
  numResults: number;
  /** Real-time events for this user or session, newest last. */
  recentInteractions?: Interaction[];
  /** Result of the request's filter: `false` excludes the item. */
  candidateFilter?: (itemId: string) => boolean;
  exploration?: ExplorationConfig;
  /** Epoch seconds used as "now" for exploration item ages. @default the newest training timestamp */
  now?: number;
}

/** A GetPersonalizedRanking request as seen by the engine. */
export interface RankQuery {
  userId: string;
  inputList: string[];
  recentInteractions?: Interaction[];
}

/** One recommended item. Scores are in (0, 1], sorted descending. */
export interface ScoredItem {
  itemId: string;
  score: number;
  /** Personalize v2 style reasons, e.g. `["Exploration"]` or `["Popular item"]`. */
  reason?: string[];
}

/** A trained model. */
export interface Model {
  readonly recipe: string;
  /** Answers GetRecommendations. */
  recommend(q: RecommendQuery): ScoredItem[];
  /** Answers GetPersonalizedRanking: every input item exactly once, unknown items last. */
  rank(q: RankQuery): ScoredItem[];
}

/** Offline metrics in the exact key set of GetSolutionMetrics. */
export type OfflineMetrics = Record<
  | 'coverage'
  | 'mean_reciprocal_rank_at_25'
  | 'normalized_discounted_cumulative_gain_at_5'
  | 'normalized_discounted_cumulative_gain_at_10'
  | 'normalized_discounted_cumulative_gain_at_25'
  | 'precision_at_5'
  | 'precision_at_10'
  | 'precision_at_25',
  number
>;
