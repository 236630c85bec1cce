import type {
  BatchInferenceJobConfig,
  CampaignConfig,
  EventsConfig,
  ItemExplorationConfig,
  MetricAttribute,
  MetricAttributionOutput,
  RankingInfluence,
  RecommenderConfig,
  SolutionConfig,
  SolutionUpdateConfig,
  TrainingDataConfig,
  AutoTrainingConfig,
} from './documents';
import {
  booleanShape,
  enumShape,
  listShape,
  mapShape,
  numberShape,
  stringShape,
  structureShape,
  type Shape,
} from './shapes';
import { InvalidInputException } from './errors';
import { constraintMessage, PATTERNS } from './validation';

/**
 * The structured request members the emulator stores, as the Personalize service model (2018-05-22)
 * defines them: members, types, lengths, patterns and ranges. Where the developer guide documents a
 * tighter rule than the model (HPO job counts, the automatic-training schedule, a numeric
 * `eventValueThreshold`, the exploration keys), that rule is checked too.
 */

/** A number written as a string (`"0.5"`, `"-3"`, `"1e3"`). */
function numericText(limit?: {
  readonly min?: number;
  readonly max?: number;
}): (value: string) => string | undefined {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n)) return 'Member must be a number written as a string';
    if (limit?.min !== undefined && n < limit.min)
      return `Member must be a number greater than or equal to ${limit.min}`;
    if (limit?.max !== undefined && n > limit.max)
      return `Member must be a number less than or equal to ${limit.max}`;
    return undefined;
  };
}

/** A whole number written as a string, from 1 to `max`. */
function countText(max: number): (value: string) => string | undefined {
  return (value) =>
    /^\d+$/.test(value.trim()) && Number(value) >= 1 && Number(value) <= max
      ? undefined
      : `Member must be a whole number from 1 to ${max} written as a string`;
}

const PARAMETER_NAME = stringShape({ max: 256 });
const PARAMETER_VALUE = stringShape({ max: 1000 });
/** `HyperParameters` (also the type of `algorithmHyperParameters` and `featureTransformationParameters`). */
const HYPER_PARAMETERS = mapShape(PARAMETER_NAME, PARAMETER_VALUE, { max: 100 });

const AUTO_TRAINING_CONFIG: Shape<AutoTrainingConfig> = structureShape('AutoTrainingConfig', {
  schedulingExpression: stringShape({
    min: 1,
    max: 16,
    check: (value) =>
      /^rate\(([1-9]|[12]\d|30) days?\)$/.test(value)
        ? undefined
        : 'Member must be rate(N days) with N from 1 to 30',
  }),
});

const EVENTS_CONFIG: Shape<EventsConfig> = structureShape('EventsConfig', {
  eventParametersList: listShape(
    structureShape('EventParameters', {
      eventType: stringShape({ max: 256 }),
      eventValueThreshold: numberShape(),
      weight: numberShape({ min: 0, max: 1 }),
    }),
    { max: 10 },
  ),
});

const COLUMN_NAMES = listShape(stringShape({ max: 150, pattern: /^[A-Za-z_][A-Za-z\d_]*$/ }), { max: 50 });
const DATASET_COLUMNS = mapShape(stringShape({ max: 256, pattern: PATTERNS.datasetType }), COLUMN_NAMES, {
  max: 3,
});

const TRAINING_DATA_CONFIG: Shape<TrainingDataConfig> = structureShape('TrainingDataConfig', {
  excludedDatasetColumns: DATASET_COLUMNS,
  includedDatasetColumns: DATASET_COLUMNS,
});

/** `SolutionConfig` of CreateSolution. */
export const SOLUTION_CONFIG: Shape<SolutionConfig> = structureShape('SolutionConfig', {
  eventValueThreshold: stringShape({ max: 256, check: numericText() }),
  hpoConfig: structureShape('HPOConfig', {
    hpoObjective: structureShape('HPOObjective', {
      type: stringShape({ max: 256 }),
      metricName: stringShape({ max: 256 }),
      metricRegex: stringShape({ max: 256 }),
    }),
    hpoResourceConfig: structureShape('HPOResourceConfig', {
      maxNumberOfTrainingJobs: stringShape({ max: 256, check: countText(40) }),
      maxParallelTrainingJobs: stringShape({ max: 256, check: countText(10) }),
    }),
    algorithmHyperParameterRanges: structureShape('HyperParameterRanges', {
      integerHyperParameterRanges: listShape(
        structureShape('IntegerHyperParameterRange', {
          name: PARAMETER_NAME,
          minValue: numberShape({ integer: true, min: -1_000_000 }),
          maxValue: numberShape({ integer: true, max: 1_000_000 }),
        }),
        { max: 100 },
      ),
      continuousHyperParameterRanges: listShape(
        structureShape('ContinuousHyperParameterRange', {
          name: PARAMETER_NAME,
          minValue: numberShape({ min: -1_000_000 }),
          maxValue: numberShape({ min: -1_000_000 }),
        }),
        { max: 100 },
      ),
      categoricalHyperParameterRanges: listShape(
        structureShape('CategoricalHyperParameterRange', {
          name: PARAMETER_NAME,
          values: listShape(stringShape({ max: 1000 }), { max: 100 }),
        }),
        { max: 100 },
      ),
    }),
  }),
  algorithmHyperParameters: HYPER_PARAMETERS,
  featureTransformationParameters: HYPER_PARAMETERS,
  autoMLConfig: structureShape('AutoMLConfig', {
    metricName: stringShape({ max: 256 }),
    recipeList: listShape(stringShape({ max: 256, pattern: PATTERNS.arn }), { max: 100 }),
  }),
  eventsConfig: EVENTS_CONFIG,
  optimizationObjective: structureShape('OptimizationObjective', {
    itemAttribute: stringShape({ min: 1, max: 150 }),
    objectiveSensitivity: enumShape(['LOW', 'MEDIUM', 'HIGH', 'OFF'] as const),
  }),
  trainingDataConfig: TRAINING_DATA_CONFIG,
  autoTrainingConfig: AUTO_TRAINING_CONFIG,
});

/** `SolutionUpdateConfig` of UpdateSolution. */
export const SOLUTION_UPDATE_CONFIG: Shape<SolutionUpdateConfig> = structureShape('SolutionUpdateConfig', {
  autoTrainingConfig: AUTO_TRAINING_CONFIG,
  eventsConfig: EVENTS_CONFIG,
});

/**
 * `itemExplorationConfig`: a `HyperParameters` map in the model; the keys Personalize documents are
 * `explorationWeight` (0 to 1) and `explorationItemAgeCutOff` (days), numbers written as strings.
 */
const ITEM_EXPLORATION_CONFIG: Shape<ItemExplorationConfig> = {
  read(value, path) {
    const map = HYPER_PARAMETERS.read(value, path);
    for (const [key, text] of Object.entries(map)) {
      const rule =
        key === 'explorationWeight'
          ? numericText({ min: 0, max: 1 })
          : key === 'explorationItemAgeCutOff'
            ? numericText({ min: 0 })
            : undefined;
      if (rule === undefined)
        throw new InvalidInputException(
          constraintMessage(
            `${path}.key`,
            key,
            'Member must be explorationWeight or explorationItemAgeCutOff',
          ),
        );
      const problem = rule(text);
      if (problem !== undefined)
        throw new InvalidInputException(constraintMessage(`${path}.${key}`, text, problem));
    }
    return map;
  },
};

const RANKING_INFLUENCE: Shape<RankingInfluence> = mapShape(
  enumShape(['POPULARITY', 'FRESHNESS'] as const),
  numberShape({ min: 0, max: 1 }),
);

/** `CampaignConfig` of CreateCampaign and UpdateCampaign. */
export const CAMPAIGN_CONFIG: Shape<CampaignConfig> = structureShape('CampaignConfig', {
  itemExplorationConfig: ITEM_EXPLORATION_CONFIG,
  enableMetadataWithRecommendations: booleanShape,
  syncWithLatestSolutionVersion: booleanShape,
  rankingInfluence: RANKING_INFLUENCE,
});

/** `BatchInferenceJobConfig` of CreateBatchInferenceJob. */
export const BATCH_INFERENCE_JOB_CONFIG: Shape<BatchInferenceJobConfig> = structureShape(
  'BatchInferenceJobConfig',
  {
    itemExplorationConfig: ITEM_EXPLORATION_CONFIG,
    rankingInfluence: RANKING_INFLUENCE,
  },
);

/** `RecommenderConfig` of CreateRecommender and UpdateRecommender. */
export const RECOMMENDER_CONFIG: Shape<RecommenderConfig> = structureShape('RecommenderConfig', {
  itemExplorationConfig: ITEM_EXPLORATION_CONFIG,
  minRecommendationRequestsPerSecond: numberShape({ integer: true, min: 1 }),
  trainingDataConfig: TRAINING_DATA_CONFIG,
  enableMetadataWithRecommendations: booleanShape,
});

/** Throws the service's "must not be null" error for a missing required member. */
function requireMember<T>(value: T | undefined, path: string): T {
  if (value === undefined)
    throw new InvalidInputException(constraintMessage(path, null, 'Member must not be null'));
  return value;
}

const METRIC_ATTRIBUTE_MEMBERS = structureShape('MetricAttribute', {
  eventType: stringShape({ max: 256 }),
  metricName: stringShape({ max: 256 }),
  expression: stringShape({ max: 256 }),
});

/** `MetricAttribute` of CreateMetricAttribution / UpdateMetricAttribution (every member required). */
export const METRIC_ATTRIBUTE: Shape<MetricAttribute> = {
  read(value, path) {
    const metric = METRIC_ATTRIBUTE_MEMBERS.read(value, path);
    return {
      eventType: requireMember(metric.eventType, `${path}.eventType`),
      metricName: requireMember(metric.metricName, `${path}.metricName`),
      expression: requireMember(metric.expression, `${path}.expression`),
    };
  },
};

const S3_DATA_CONFIG_MEMBERS = structureShape('S3DataConfig', {
  path: stringShape({ max: 256, pattern: PATTERNS.s3Path }),
  kmsKeyArn: stringShape({ max: 2048, pattern: PATTERNS.kmsKeyArn }),
});

const METRIC_ATTRIBUTION_OUTPUT_MEMBERS = structureShape('MetricAttributionOutput', {
  s3DataDestination: {
    read(value, path) {
      const config = S3_DATA_CONFIG_MEMBERS.read(value, path);
      return {
        path: requireMember(config.path, `${path}.path`),
        ...(config.kmsKeyArn !== undefined ? { kmsKeyArn: config.kmsKeyArn } : {}),
      };
    },
  } satisfies Shape<{ path: string; kmsKeyArn?: string }>,
  roleArn: stringShape({ max: 256, pattern: PATTERNS.roleArn }),
});

/** `MetricAttributionOutput` (`metricsOutputConfig`): `roleArn` required, `s3DataDestination` optional. */
export const METRIC_ATTRIBUTION_OUTPUT: Shape<MetricAttributionOutput> = {
  read(value, path) {
    const output = METRIC_ATTRIBUTION_OUTPUT_MEMBERS.read(value, path);
    return {
      ...(output.s3DataDestination ? { s3DataDestination: output.s3DataDestination } : {}),
      roleArn: requireMember(output.roleArn, `${path}.roleArn`),
    };
  },
};
