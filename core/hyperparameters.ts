/**
 * The hyperparameters each service recipe takes, as the Amazon Personalize developer guide documents them
 * ("Properties and hyperparameters" of each recipe page): name, value type, range or allowed values, default,
 * and whether HPO can tune it. The config check refuses names, types and values CreateSolution would refuse or
 * silently ignore; the local engine reads a few of the same names (local/engine/hyperparameters.ts).
 *
 * Values are strings, as in `algorithmHyperParameters` / `featureTransformationParameters`. The guide splits a
 * recipe's parameters into algorithm and featurization ones; both maps are accepted for either kind, because
 * the service reads featurization parameters from `featureTransformationParameters` and the emulator reads every
 * parameter it uses from `algorithmHyperParameters`.
 *
 * Pure module: no I/O, no AWS, no CDK.
 */
import type { RecipeName } from './recipes';

/** How a hyperparameter's string value is read. */
export type HyperparameterType = 'integer' | 'float' | 'boolean' | 'categorical' | 'duration';

/** One documented hyperparameter of a recipe. */
export interface HyperparameterDefinition {
  readonly name: string;
  readonly type: HyperparameterType;
  /** Algorithm hyperparameter, or featurization (feature transformation) hyperparameter. */
  readonly group: 'algorithm' | 'featurization';
  /** Smallest allowed value (integer, float). */
  readonly min?: number;
  /** Whether `min` itself is allowed; `false` for "positive" ranges. @default true */
  readonly minInclusive?: boolean;
  /** Largest allowed value (integer, float). */
  readonly max?: number;
  /** Allowed values (categorical); for `duration`, the allowed lengths in seconds. */
  readonly values?: readonly string[];
  /** The service default, as documented. */
  readonly default: string;
  /** Whether HPO (`performHPO`) can tune it. */
  readonly tunable: boolean;
}

/** Allowed `trend_discovery_frequency` values of Trending-Now, in seconds: 30 minutes, 1 hour, 3 hours, 1 day. */
const TREND_FREQUENCIES = ['1800', '3600', '10800', '86400'];

const hiddenDimension = (fallback: number): HyperparameterDefinition => ({
  name: 'hidden_dimension',
  type: 'integer',
  group: 'algorithm',
  min: 32,
  max: 256,
  default: String(fallback),
  tunable: true,
});

const bptt: HyperparameterDefinition = {
  name: 'bptt',
  type: 'integer',
  group: 'algorithm',
  min: 2,
  max: 32,
  default: '32',
  tunable: true,
};

const recencyMask: HyperparameterDefinition = {
  name: 'recency_mask',
  type: 'boolean',
  group: 'algorithm',
  default: 'true',
  tunable: true,
};

const percentile = (name: string, fallback: string): HyperparameterDefinition => ({
  name,
  type: 'float',
  group: 'featurization',
  min: 0,
  max: 1,
  default: fallback,
  tunable: false,
});

/** User-history percentiles of the HRNN family, User-Personalization and Personalized-Ranking. */
const historyPercentiles = [
  percentile('min_user_history_length_percentile', '0.0'),
  percentile('max_user_history_length_percentile', '0.99'),
];

/** The HRNN family's parameters (User-Personalization and Personalized-Ranking are built on it). */
const hrnn = (hidden: number) => [hiddenDimension(hidden), bptt, recencyMask, ...historyPercentiles];

const v2 = [
  {
    name: 'apply_recency_bias',
    type: 'boolean',
    group: 'algorithm',
    default: 'true',
    tunable: false,
  },
  ...historyPercentiles,
] as const satisfies readonly HyperparameterDefinition[];

const similarItemsDimension = (name: string): HyperparameterDefinition => ({
  name,
  type: 'integer',
  group: 'algorithm',
  min: 30,
  max: 200,
  default: '100',
  tunable: true,
});

/**
 * Hyperparameters per recipe. A recipe missing here (Semantic-Similarity, Next-Best-Action) is not checked:
 * the guide documents none for it, and CreateSolution is the authority.
 */
export const RECIPE_HYPERPARAMETERS: Readonly<
  Partial<Record<RecipeName, readonly HyperparameterDefinition[]>>
> = {
  'aws-user-personalization-v2': v2,
  'aws-user-personalization': hrnn(149),
  'aws-personalized-ranking-v2': v2,
  'aws-personalized-ranking': hrnn(149),
  'aws-popularity-count': [],
  'aws-trending-now': [
    {
      name: 'trend_discovery_frequency',
      type: 'duration',
      group: 'featurization',
      values: TREND_FREQUENCIES,
      default: '3 hours',
      tunable: false,
    },
  ],
  'aws-similar-items': [
    similarItemsDimension('item_id_hidden_dim'),
    similarItemsDimension('item_metadata_hidden_dim'),
  ],
  'aws-sims': [
    {
      name: 'popularity_discount_factor',
      type: 'float',
      group: 'algorithm',
      min: 0,
      max: 1,
      default: '0.5',
      tunable: true,
    },
    {
      name: 'min_cointeraction_count',
      type: 'integer',
      group: 'algorithm',
      min: 0,
      max: 10,
      default: '3',
      tunable: true,
    },
    percentile('min_user_history_length_percentile', '0.005'),
    percentile('max_user_history_length_percentile', '0.995'),
    percentile('min_item_interaction_count_percentile', '0.01'),
    percentile('max_item_interaction_count_percentile', '0.9'),
  ],
  'aws-item-affinity': [hiddenDimension(149)],
  'aws-item-attribute-affinity': [hiddenDimension(149)],
  'aws-hrnn': hrnn(43),
  'aws-hrnn-metadata': hrnn(43),
  'aws-hrnn-coldstart': [
    ...hrnn(149),
    {
      name: 'cold_start_max_interactions',
      type: 'integer',
      group: 'featurization',
      min: 0,
      minInclusive: false,
      default: '15',
      tunable: false,
    },
    {
      name: 'cold_start_max_duration',
      type: 'float',
      group: 'featurization',
      min: 0,
      minInclusive: false,
      default: '5.0',
      tunable: false,
    },
    {
      name: 'cold_start_relative_from',
      type: 'categorical',
      group: 'featurization',
      values: ['currentTime', 'latestItem'],
      default: 'latestItem',
      tunable: false,
    },
  ],
};

/** The documented hyperparameters of a recipe, or `undefined` when the guide documents none to check against. */
export function recipeHyperparameters(recipe: string): readonly HyperparameterDefinition[] | undefined {
  return RECIPE_HYPERPARAMETERS[recipe as RecipeName];
}

/**
 * Parameters users put in the solution that belong elsewhere, with where they go. The guide once listed the
 * exploration settings among User-Personalization's hyperparameters; they are set on the campaign.
 */
export const MISPLACED_HYPERPARAMETERS: Readonly<Record<string, string>> = {
  exploration_weight: 'campaign.explorationWeight',
  exploration_item_age_cut_off: 'campaign.explorationItemAgeCutOff',
};

const UNIT_SECONDS: Readonly<Record<string, number>> = {
  sec: 1,
  second: 1,
  min: 60,
  minute: 60,
  h: 3600,
  hr: 3600,
  hour: 3600,
  d: 86_400,
  day: 86_400,
};

/** Seconds in a duration such as `30 mins`, `1 hour`, `3h` or `1 day`, or `undefined` when it is not one. */
export function durationSeconds(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]+?)s?\s*$/i.exec(text);
  const scale = match ? UNIT_SECONDS[(match[2] ?? '').toLowerCase()] : undefined;
  return match && scale !== undefined ? Number(match[1]) * scale : undefined;
}

function describeDuration(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400} day${seconds === 86_400 ? '' : 's'}`;
  if (seconds % 3600 === 0) return `${seconds / 3600} hour${seconds === 3600 ? '' : 's'}`;
  return `${seconds / 60} minutes`;
}

/** What a definition accepts, e.g. `an integer from 32 to 256 (default 149)`. */
export function describeHyperparameter(definition: HyperparameterDefinition): string {
  const fallback = ` (default ${definition.default})`;
  switch (definition.type) {
    case 'boolean':
      return `"true" or "false"${fallback}`;
    case 'categorical':
      return `one of ${(definition.values ?? []).map((v) => JSON.stringify(v)).join(', ')}${fallback}`;
    case 'duration':
      return `one of ${(definition.values ?? []).map((v) => `"${describeDuration(Number(v))}"`).join(', ')}${fallback}`;
    default: {
      const noun = definition.type === 'integer' ? 'an integer' : 'a number';
      const { min, max } = definition;
      if (min !== undefined && max !== undefined) return `${noun} from ${min} to ${max}${fallback}`;
      if (min !== undefined) {
        return `${noun} ${definition.minInclusive === false ? 'greater than' : 'of at least'} ${min}${fallback}`;
      }
      return `${noun}${fallback}`;
    }
  }
}

/**
 * Why `value` is not acceptable for a hyperparameter, or `undefined` when it is. The reason starts with the
 * value, e.g. `"abc" is not an integer`.
 */
export function hyperparameterValueProblem(
  definition: HyperparameterDefinition,
  value: string,
): string | undefined {
  const shown = JSON.stringify(value);
  const trimmed = value.trim();
  switch (definition.type) {
    case 'boolean':
      return /^(true|false)$/i.test(trimmed) ? undefined : `${shown} is not "true" or "false"`;
    case 'categorical':
      return definition.values?.includes(trimmed) ? undefined : `${shown} is not an allowed value`;
    case 'duration': {
      const seconds = durationSeconds(trimmed);
      return seconds !== undefined && definition.values?.includes(String(seconds))
        ? undefined
        : `${shown} is not an allowed frequency`;
    }
    default: {
      const pattern = definition.type === 'integer' ? /^-?\d+$/ : /^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
      if (!pattern.test(trimmed)) {
        return `${shown} is not ${definition.type === 'integer' ? 'an integer' : 'a number'}`;
      }
      const number = Number(trimmed);
      const { min, max } = definition;
      const belowMin =
        min !== undefined && (definition.minInclusive === false ? number <= min : number < min);
      if (belowMin || (max !== undefined && number > max)) return `${shown} is out of range`;
      return undefined;
    }
  }
}
