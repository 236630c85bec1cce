/**
 * The schema of `personalize.config.json`: what a project deploys to Amazon Personalize and how
 * the pipeline builds, gates and retrains it. Pure (no I/O), so Lambda handlers can bundle it.
 */
// The namespace import lets esbuild tree-shake zod (a named `{ z }` import bundles all of its locales).
import * as z from 'zod';
import { consistencyIssues } from './consistency';
import { filterExpressionProblem, MAX_FILTER_EXPRESSION_LENGTH } from '../filter-expression';
import { unknownKeysMessage } from './messages';
import {
  MAX_PROJECT_NAME_LENGTH,
  MAX_RESOURCE_NAME_LENGTH,
  PROJECT_NAME_PATTERN,
  RESOURCE_NAME_PATTERN,
} from '../names';
import { CURRENT_RECIPE_NAMES, findRecipe, type RecipeName } from '../recipes';
import { scheduleExpressionProblem } from './schedule';
import { CAMPAIGN_ROUTES, SERVING_ROUTES } from './serving-routes';

export { SERVING_ROUTES, type ServingRoute } from './serving-routes';

/** Offline metrics a quality gate can compare (`GetSolutionMetrics` keys). */
export const QUALITY_METRICS = [
  'normalized_discounted_cumulative_gain_at_5',
  'normalized_discounted_cumulative_gain_at_10',
  'normalized_discounted_cumulative_gain_at_25',
  'precision_at_5',
  'precision_at_10',
  'precision_at_25',
  'mean_reciprocal_rank_at_25',
  'coverage',
] as const;

/** An offline metric name, e.g. `normalized_discounted_cumulative_gain_at_10`. */
export type QualityMetric = (typeof QUALITY_METRICS)[number];

/** Most filters a dataset group can hold (Personalize quota). */
export const MAX_FILTERS = 10;

/** Most tags the config can apply to each resource. */
export const MAX_TAGS = 50;

/** Default stage timeouts, in minutes. */
export const DEFAULT_TIMEOUTS = {
  import: 360,
  training: 1440,
  campaign: 120,
  batch: 720,
  other: 60,
} as const;

/**
 * A strict object whose unknown-key errors list the allowed keys and suggest the closest one.
 * `missing` replaces the message shown when the whole object is absent.
 */
function strictObject<Shape extends z.core.$ZodLooseShape>(shape: Shape, options: { missing?: string } = {}) {
  const allowed = Object.keys(shape);
  return z.strictObject(shape, {
    error: (issue) => {
      if (issue.code === 'unrecognized_keys') return unknownKeysMessage(issue.keys, allowed);
      if (issue.code === 'invalid_type' && issue.input === undefined) return options.missing;
      return undefined;
    },
  });
}

/** A string checked by a function returning `undefined` (valid) or a message (invalid). */
function checkedString(problemOf: (value: string) => string | undefined) {
  return z.string().superRefine((value, ctx) => {
    const problem = problemOf(value);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem, input: value });
  });
}

const resourceNameSchema = z
  .string()
  .min(1)
  .max(MAX_RESOURCE_NAME_LENGTH)
  .regex(RESOURCE_NAME_PATTERN, {
    error: (issue) =>
      `invalid name ${JSON.stringify(issue.input)}; use letters, digits, "-" and "_", starting with a letter or digit`,
  })
  .meta({
    description: 'Name, unique in its section; the Personalize resource is named `<projectName>-<name>`.',
  });

const projectNameSchema = z
  .string()
  .min(1)
  .max(MAX_PROJECT_NAME_LENGTH)
  .regex(PROJECT_NAME_PATTERN, {
    error: (issue) =>
      `invalid project name ${JSON.stringify(issue.input)}; use lower-case letters, digits and "-", starting with a letter`,
  })
  .meta({
    description:
      'Prefix of every resource name: the dataset group is named `<projectName>`, other resources `<projectName>-<name>`.',
    examples: ['shop-recs'],
  });

const scheduleSchema = checkedString(scheduleExpressionProblem).meta({
  description: 'An EventBridge Scheduler expression: `rate(<value> <unit>)` or `cron(<6 fields>)` (UTC).',
  examples: ['rate(1 day)', 'cron(0 3 ? * SUN *)'],
});

const recipeSchema = z.enum(CURRENT_RECIPE_NAMES as readonly RecipeName[], {
  error: (issue) => {
    const input = typeof issue.input === 'string' ? issue.input : undefined;
    if (input === undefined) return undefined;
    const known = findRecipe(input);
    if (known?.legacy) {
      return `recipe "${input}" is legacy and no longer accepted for new solutions; use ${known.replacedBy ?? 'a current recipe'}`;
    }
    if (known) return `use the recipe name "${known.name}", not its ARN`;
    return `unknown recipe "${input}"; expected one of ${CURRENT_RECIPE_NAMES.join(', ')}`;
  },
});

function dataLocationProblem(location: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(location) || location.startsWith('/')) {
    return `must be a key or key prefix inside the project's data bucket, e.g. "datasets/interactions/"; received "${location}"`;
  }
  return undefined;
}

function schemaFileProblem(file: string): string | undefined {
  if (file.startsWith('/') || /^[a-z]:[\\/]/i.test(file) || file.split(/[\\/]/).includes('..')) {
    return `must be a path inside the repository, relative to its root, e.g. "schemas/interactions.json"; received "${file}"`;
  }
  if (!file.endsWith('.json')) return `must be a .json file with an Avro schema; received "${file}"`;
  return undefined;
}

const datasetShape = {
  schemaFile: z
    .string()
    .min(1)
    .pipe(checkedString(schemaFileProblem))
    .meta({
      description: 'Avro schema file, relative to the repository root.',
      examples: ['schemas/items.json'],
    }),
  dataLocation: z
    .string()
    .min(1)
    // The service limits the whole s3:// URI to 256 characters; this leaves room for the bucket name.
    .max(180)
    .pipe(checkedString(dataLocationProblem))
    .meta({
      description: 'Key, or key prefix ending in "/", of the CSV data inside the project data bucket.',
      examples: ['datasets/items/'],
    }),
  importMode: z.enum(['FULL', 'INCREMENTAL']).default('FULL').meta({
    description: 'FULL replaces earlier bulk imports; INCREMENTAL appends (needs a prior FULL import).',
  }),
};

const datasetSchema = strictObject(datasetShape);

const interactionsDatasetSchema = strictObject(datasetShape, {
  missing:
    'missing; every project needs an interactions dataset, e.g. { "schemaFile": "schemas/interactions.json", "dataLocation": "datasets/interactions/" }',
}).meta({ description: 'The interactions dataset; every project needs one.' });

const datasetsSchema = strictObject({
  interactions: interactionsDatasetSchema,
  items: datasetSchema.optional().meta({ description: 'Item metadata.' }),
  users: datasetSchema.optional().meta({ description: 'User metadata.' }),
});

/** A number given as a string, as Personalize expects for hyperparameters and thresholds. */
const numericString = z.string().regex(/^-?\d+(\.\d+)?$/, {
  error: (issue) =>
    `expected a number written as a string, e.g. "10"; received ${JSON.stringify(issue.input)}`,
});

const stringMap = (what: string) =>
  z
    .record(
      z.string().min(1).max(256),
      z.string({
        error: (issue) =>
          issue.input === undefined
            ? undefined
            : `${what} values are strings, e.g. "0.5"; received ${typeof issue.input} ${JSON.stringify(issue.input)}`,
      }),
    )
    .superRefine((map, ctx) => {
      if (Object.keys(map).length > 100)
        ctx.addIssue({ code: 'custom', message: `at most 100 ${what} entries` });
    });

const hpoConfigSchema = strictObject({
  hpoObjective: strictObject({
    type: z.string().optional(),
    metricName: z.string().optional(),
    metricRegex: z.string().optional(),
  }).optional(),
  hpoResourceConfig: strictObject({
    maxNumberOfTrainingJobs: numericString.optional(),
    maxParallelTrainingJobs: numericString.optional(),
  }).optional(),
  algorithmHyperParameterRanges: strictObject({
    integerHyperParameterRanges: z
      .array(
        strictObject({ name: z.string().min(1), minValue: z.number().int(), maxValue: z.number().int() }),
      )
      .max(100)
      .optional(),
    continuousHyperParameterRanges: z
      .array(strictObject({ name: z.string().min(1), minValue: z.number(), maxValue: z.number() }))
      .max(100)
      .optional(),
    categoricalHyperParameterRanges: z
      .array(strictObject({ name: z.string().min(1), values: z.array(z.string()).min(1).max(100) }))
      .max(100)
      .optional(),
  }).optional(),
});

const eventsConfigSchema = strictObject({
  eventParametersList: z
    .array(
      strictObject({
        eventType: z.string().min(1).max(256).optional(),
        eventValueThreshold: z.number().optional(),
        weight: z.number().min(0).max(1).optional(),
      }),
    )
    .max(10)
    .optional(),
});

const datasetColumnsSchema = z.record(z.string().min(1), z.array(z.string().min(1)).max(50));

/**
 * Personalize's `SolutionConfig`, passed through to `CreateSolution` (camelCase, as in the API).
 * Common keys are checked; unknown keys are rejected.
 */
const solutionConfigSchema = strictObject({
  eventValueThreshold: numericString.optional(),
  hpoConfig: hpoConfigSchema.optional(),
  algorithmHyperParameters: stringMap('algorithmHyperParameters').optional(),
  featureTransformationParameters: stringMap('featureTransformationParameters').optional(),
  autoMLConfig: strictObject({
    metricName: z.string().optional(),
    recipeList: z.array(z.string()).optional(),
  }).optional(),
  eventsConfig: eventsConfigSchema.optional(),
  optimizationObjective: strictObject({
    itemAttribute: z.string().min(1).optional(),
    objectiveSensitivity: z.enum(['LOW', 'MEDIUM', 'HIGH', 'OFF']).optional(),
  }).optional(),
  trainingDataConfig: strictObject({
    excludedDatasetColumns: datasetColumnsSchema.optional(),
    includedDatasetColumns: datasetColumnsSchema.optional(),
  }).optional(),
  autoTrainingConfig: strictObject({
    schedulingExpression: z
      .string()
      .regex(/^rate\(([1-9]|[12]\d|30) days?\)$/, {
        error: (issue) =>
          `invalid automatic training schedule ${JSON.stringify(issue.input)}; expected "rate(<1-30> days)", e.g. "rate(7 days)"`,
      })
      .optional(),
  }).optional(),
});

const campaignSchema = strictObject({
  minProvisionedTPS: z
    .number()
    .int()
    .min(1)
    .max(500)
    .default(1)
    .meta({ description: 'Provisioned transactions per second; billing floor of the campaign.' }),
  explorationWeight: z.number().min(0).max(1).optional().meta({
    description: 'How much to recommend new or rarely seen items (0 to 1; the service default is 0.3).',
  }),
  explorationItemAgeCutOff: z
    .number()
    .positive()
    .optional()
    .meta({ description: 'Only explore items whose latest interaction is at most this many days old.' }),
  syncWithLatestSolutionVersion: z.boolean().optional().meta({
    description:
      'Let Personalize move the campaign to each new solution version. Versions then go live without the quality gate.',
  }),
});

const qualityGateFields = {
  metric: z.enum(QUALITY_METRICS).meta({ description: 'Offline metric compared by the gate.' }),
  minimum: z.number().min(0).max(1).meta({ description: 'A new version must score at least this much.' }),
  maxRegression: z
    .number()
    .min(0)
    .max(1)
    .meta({ description: 'Largest relative drop allowed against the live version, e.g. 0.05 for 5%.' }),
};

const qualityGateSchema = strictObject({
  metric: qualityGateFields.metric.default('normalized_discounted_cumulative_gain_at_10'),
  minimum: qualityGateFields.minimum.default(0),
  maxRegression: qualityGateFields.maxRegression.default(0.05),
});

const qualityGateOverrideSchema = strictObject({
  metric: qualityGateFields.metric.optional(),
  minimum: qualityGateFields.minimum.optional(),
  maxRegression: qualityGateFields.maxRegression.optional(),
}).meta({ description: 'Overrides of the top-level quality gate for this solution.' });

const solutionSchema = strictObject({
  name: resourceNameSchema,
  recipe: recipeSchema,
  trainingMode: z.enum(['FULL', 'UPDATE']).default('FULL').meta({
    description: 'Training mode of runs that are not scheduled. UPDATE needs a recipe that supports it.',
  }),
  performHPO: z.boolean().default(false).meta({ description: 'Tune hyperparameters while training.' }),
  performAutoTraining: z.boolean().default(false).meta({
    description:
      "Let Personalize train new versions on its own schedule (solutionConfig.autoTrainingConfig). Off by default: the pipeline's schedules train instead.",
  }),
  eventType: z
    .string()
    .min(1)
    .max(256)
    .optional()
    .meta({ description: 'Train only on interactions of this event type.' }),
  solutionConfig: solutionConfigSchema.optional(),
  schedule: strictObject({
    full: scheduleSchema
      .optional()
      .meta({ description: 'When to retrain from scratch (trainingMode FULL).' }),
    update: scheduleSchema.optional().meta({
      description: 'When to update the model with new items and interactions (trainingMode UPDATE).',
    }),
    allowFrequent: z.boolean().optional().meta({
      description:
        'Allow a full schedule that fires more often than once a day, or an update schedule more often than every 2 hours. Each training is billed per training hour.',
    }),
  }).optional(),
  campaign: campaignSchema.optional().meta({ description: 'Deploy the solution to a real-time campaign.' }),
  qualityGate: qualityGateOverrideSchema.optional(),
});

const filterSchema = strictObject({
  name: resourceNameSchema,
  expression: z
    .string()
    .min(1)
    .max(MAX_FILTER_EXPRESSION_LENGTH)
    .pipe(checkedString((expression) => filterExpressionProblem(expression)))
    .meta({
      description: 'Personalize filter expression.',
      examples: ['EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("purchase")'],
    }),
});

const batchJobSchema = strictObject({
  name: resourceNameSchema,
  type: z
    .enum(['inference', 'segment'])
    .meta({ description: 'inference: items for users (or related items); segment: users for items.' }),
  solution: z.string().min(1).meta({ description: 'Name of a solution in this config.' }),
  numResults: z.number().int().min(1).max(5_000_000).optional().meta({
    description: 'Results per input line: 1–500 for inference, users per segment (up to 5,000,000).',
  }),
  filter: z.string().min(1).optional().meta({ description: 'Name of a filter in this config.' }),
  schedule: scheduleSchema.optional(),
});

/** Most recommenders of one dataset group (a Personalize quota). */
export const MAX_RECOMMENDERS = 5;

const recommenderSchema = strictObject({
  name: resourceNameSchema,
  useCase: z.string().min(1).meta({
    description:
      'The domain use case (its recipe), e.g. aws-ecomm-recommended-for-you or aws-vod-top-picks; it must belong to datasetGroup.domain.',
  }),
  recommenderConfig: strictObject({
    minRecommendationRequestsPerSecond: z.number().int().min(1).max(500).default(1).meta({
      description: 'Requests per second the recommender is billed for at least (the service default is 1).',
    }),
    enableMetadataWithRecommendations: z.boolean().optional().meta({
      description: 'Let requests ask for item metadata with the recommendations.',
    }),
    explorationWeight: z.number().min(0).max(1).optional().meta({
      description: 'How much to recommend new or rarely seen items (0 to 1), for use cases that explore.',
    }),
    explorationItemAgeCutOff: z
      .number()
      .positive()
      .optional()
      .meta({ description: 'Only explore items whose latest interaction is at most this many days old.' }),
  })
    .prefault({})
    .meta({
      description: "The recommender's configuration; a change updates the recommender (and retrains it).",
    }),
  stopped: z.boolean().default(false).meta({
    description:
      'A stopped recommender is not billed for its minimum requests per second and does not retrain, and answers no requests. The pipeline stops it when true and starts it again when false.',
  }),
});

/** A metric attribution expression: a count of events, or a sum of a numeric column of their items. */
const METRIC_EXPRESSION = /^(SAMPLECOUNT\(\)|SUM\(Items\.[A-Za-z_][A-Za-z0-9_]*\))$/;

const metricAttributionSchema = strictObject({
  metrics: z
    .array(
      strictObject({
        eventType: z
          .string()
          .min(1)
          .meta({ description: 'The event type the metric counts, e.g. purchase.' }),
        metricName: z
          .string()
          .regex(/^[A-Za-z0-9_]{1,256}$/, { error: 'expected letters, digits and "_", e.g. REVENUE' })
          .meta({ description: "The metric's name in CloudWatch and in the S3 reports." }),
        expression: z
          .string()
          .regex(METRIC_EXPRESSION, {
            error: 'expected SAMPLECOUNT() or SUM(Items.<numeric column>), e.g. SUM(Items.PRICE)',
          })
          .meta({
            description: 'SAMPLECOUNT() counts the events; SUM(Items.<column>) sums a numeric item column.',
          }),
      }),
    )
    .min(1)
    .max(10)
    .meta({ description: 'Up to 10 metrics, each an event type and what to count of it.' }),
}).meta({
  description:
    'Personalize metric attribution: events and their value, per eventAttributionSource (e.g. per experiment variant), published to CloudWatch and S3.',
});

const experimentSchema = strictObject({
  name: resourceNameSchema,
  route: z.enum(CAMPAIGN_ROUTES).meta({ description: 'The read route the experiment splits.' }),
  unit: z.enum(['user', 'session']).default('user').meta({
    description: 'What is split: each user (userId) or each session (sessionId) keeps its variant.',
  }),
  variants: z
    .array(
      strictObject({
        name: resourceNameSchema,
        target: z.string().min(1).meta({
          description: 'The solution (with a campaign) or recommender that answers this variant.',
        }),
        filter: z
          .string()
          .min(1)
          .optional()
          .meta({ description: 'A filter applied to every answer of the variant.' }),
        share: z.number().gt(0).max(100).meta({ description: 'Percent of units that see this variant.' }),
      }),
    )
    .min(2)
    .max(5)
    .meta({
      description: 'The variants; their shares add up to 100. The first is the baseline of the report.',
    }),
});

const servingClientSchema = strictObject({
  name: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[a-zA-Z0-9][a-zA-Z0-9_-]*$/, {
      error: 'client names may contain letters, digits, "-" and "_", and start with a letter or digit',
    })
    .meta({ description: 'The client application, e.g. "storefront"; names its API key and usage plan.' }),
  routes: z.array(z.enum(SERVING_ROUTES)).min(1).meta({
    description:
      'The routes this client may call, e.g. a browser key: recommendations, related, popular, events.',
  }),
  rateLimit: z
    .number()
    .positive()
    .max(10_000)
    .default(50)
    .meta({ description: 'Steady requests per second.' }),
  burstLimit: z.number().int().min(1).max(5_000).default(100).meta({ description: 'Burst of requests.' }),
  quota: strictObject({
    limit: z.number().int().min(1),
    period: z.enum(['DAY', 'WEEK', 'MONTH']),
  })
    .optional()
    .meta({ description: 'Most requests per period; none by default.' }),
});

const servingSchema = strictObject({
  campaigns: strictObject({
    recommendations: z.string().min(1).optional().meta({
      description: 'Solution whose campaign serves GET /recommendations (a USER_PERSONALIZATION recipe).',
    }),
    related: z.string().min(1).optional().meta({
      description: 'Solution whose campaign serves GET /items/{itemId}/related (a RELATED_ITEMS recipe).',
    }),
    ranking: z.string().min(1).optional().meta({
      description: 'Solution whose campaign serves POST /rankings (a PERSONALIZED_RANKING recipe).',
    }),
    popular: z.string().min(1).optional().meta({
      description: 'Solution whose campaign serves GET /popular (a POPULAR_ITEMS recipe).',
    }),
  }).meta({ description: 'Which solution serves each read route; a route without one is not deployed.' }),
  allowedOrigins: z
    .array(z.url({ protocol: /^https?$/, error: 'expected an origin such as https://shop.example.com' }))
    .default([])
    .meta({ description: 'Origins a browser may call the API from (CORS); none by default.' }),
  clients: z
    .array(servingClientSchema)
    .min(1)
    .meta({ description: 'One API key and usage plan per client application.' }),
  waf: strictObject({
    enabled: z.boolean().default(false),
    rateLimitPer5Minutes: z.number().int().min(100).max(2_000_000_000).default(2000).meta({
      description: 'Requests one IP address may send in 5 minutes before it is blocked.',
    }),
  })
    .prefault({})
    .meta({ description: 'An AWS WAF web ACL (managed common rule set and a rate rule) on the API stage.' }),
  experiments: z.array(experimentSchema).default([]).meta({
    description:
      "A/B experiments: a route's traffic split between variants, each answered by its own campaign or recommender; responses name the variant and events are attributed to it.",
  }),
});

/** The network profiles: how many Availability Zones the private network spans. */
export const NETWORK_PROFILES = ['dev', 'prod'] as const;

/** A network profile: `dev` spans one Availability Zone, `prod` two or more. */
export type NetworkProfile = (typeof NETWORK_PROFILES)[number];

/** Availability Zones of a `prod` network unless `network.availabilityZones` says otherwise. */
export const DEFAULT_PROD_AVAILABILITY_ZONES = 2;

/** Most Availability Zones a `prod` network may span (no Region has more than 6). */
export const MAX_AVAILABILITY_ZONES = 6;

const networkSchema = strictObject({
  enabled: z.boolean().default(true).meta({
    description:
      'Run every function in a VPC of isolated subnets (no NAT), reaching AWS only through VPC endpoints. Off: the functions run outside any VPC.',
  }),
  profile: z.enum(NETWORK_PROFILES).default('prod').meta({
    description:
      'dev: one Availability Zone (interface endpoints bill per endpoint, per AZ, per hour); prod: two or more.',
  }),
  availabilityZones: z
    .number()
    .int()
    .min(2, {
      error: 'a prod network spans at least 2 Availability Zones; use profile "dev" for one',
    })
    .max(MAX_AVAILABILITY_ZONES)
    .optional()
    .meta({
      description: `Availability Zones of a prod network (default ${DEFAULT_PROD_AVAILABILITY_ZONES}); each adds one of every interface endpoint.`,
    }),
});

const minutesSchema = (defaultMinutes: number) =>
  z
    .number()
    .int()
    .min(1)
    // A Standard workflow runs for at most one year.
    .max(525_600)
    .default(defaultMinutes);

const timeoutsSchema = strictObject({
  import: minutesSchema(DEFAULT_TIMEOUTS.import).meta({ description: 'Dataset import jobs, minutes.' }),
  training: minutesSchema(DEFAULT_TIMEOUTS.training).meta({
    description: 'Solution version training, minutes.',
  }),
  campaign: minutesSchema(DEFAULT_TIMEOUTS.campaign).meta({
    description: 'Campaign create or update, minutes.',
  }),
  batch: minutesSchema(DEFAULT_TIMEOUTS.batch).meta({
    description: 'Batch inference and segment jobs, minutes.',
  }),
  other: minutesSchema(DEFAULT_TIMEOUTS.other).meta({ description: 'Every other stage, minutes.' }),
});

/** What a run does when another run of the project is going on (config `runs.overlap`). */
export const RUN_OVERLAP_POLICIES = ['queue', 'reject'] as const;

const runsSchema = strictObject({
  overlap: z
    .enum(RUN_OVERLAP_POLICIES, {
      error: (issue) =>
        issue.input === undefined
          ? undefined
          : `"${String(issue.input)}" is not a run overlap policy; use "queue" (wait for the running execution, then run) or "reject" (fail at once, naming the running execution)`,
    })
    .default('queue')
    .meta({
      description:
        'One run at a time per project. queue: a run started while another runs waits for it to end (at most the sum of the stage timeouts), then runs; reject: it fails at its first state, naming the running execution.',
    }),
});

const TAG_CHARACTERS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

const tagKeySchema = z
  .string()
  .min(1)
  .max(128)
  .regex(TAG_CHARACTERS, {
    error: 'tag keys may contain letters, digits, spaces and _ . : / = + - @',
  })
  .refine((key) => !key.toLowerCase().startsWith('aws:'), { error: 'the "aws:" prefix is reserved for AWS' });

const tagValueSchema = z
  .string()
  .max(256)
  .regex(TAG_CHARACTERS, { error: 'tag values may contain letters, digits, spaces and _ . : / = + - @' });

const tagsSchema = z.record(tagKeySchema, tagValueSchema).superRefine((tags, ctx) => {
  const count = Object.keys(tags).length;
  if (count > MAX_TAGS)
    ctx.addIssue({ code: 'custom', message: `too many tags (${count}); expected at most ${MAX_TAGS}` });
});

const pipelineConfigShape = {
  $schema: z.string().optional().meta({ description: 'JSON Schema of this file, for editors.' }),
  projectName: projectNameSchema,
  datasetGroup: strictObject({
    domain: z
      .enum(['ECOMMERCE', 'VIDEO_ON_DEMAND'])
      .optional()
      .meta({ description: 'Domain of the dataset group; omit for a custom dataset group.' }),
  }).prefault({}),
  datasets: datasetsSchema,
  solutions: z.array(solutionSchema).min(1).meta({ description: 'Solutions to train, gate and deploy.' }),
  filters: z
    .array(filterSchema)
    .max(MAX_FILTERS)
    .default([])
    .meta({ description: 'Filters created in the dataset group, used by requests and batch jobs.' }),
  eventTracker: strictObject({
    enabled: z.boolean().default(true).meta({ description: 'Create an event tracker for real-time events.' }),
  }).prefault({}),
  recommenders: z.array(recommenderSchema).max(MAX_RECOMMENDERS).default([]).meta({
    description: 'Recommenders of a domain dataset group (datasetGroup.domain), one per use case.',
  }),
  metricAttribution: metricAttributionSchema.optional(),
  batchJobs: z.array(batchJobSchema).default([]).meta({
    description:
      'Batch jobs. Each reads JSON Lines from batch/<name>/input/ and writes to batch/<name>/output/ in the data bucket.',
  }),
  qualityGate: qualityGateSchema.prefault({}),
  serving: servingSchema.optional().meta({
    description: 'The real-time API for recommendations and events; no API is deployed without it.',
  }),
  network: networkSchema.prefault({}).meta({
    description: 'The private network the functions run in: a VPC with isolated subnets and VPC endpoints.',
  }),
  timeouts: timeoutsSchema.prefault({}),
  runs: runsSchema.prefault({}).meta({ description: 'How runs of the project share it: one at a time.' }),
  existingDataBucket: strictObject({
    keyArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[a-zA-Z0-9-]+$/, {
        error: 'expected the ARN of a KMS key, arn:aws:kms:<region>:<account>:key/<key id>',
      })
      .optional()
      .meta({
        description:
          'ARN of the retained key. Default: the key of the alias alias/<projectName>-data, looked up at synth (needs the account and region).',
      }),
  })
    .optional()
    .meta({
      description:
        'Redeploy after `cdk destroy`: use the data bucket <projectName>-<account>-<region> and the KMS key that a destroyed deployment retained, instead of creating them (their names are taken).',
    }),
  tags: tagsSchema.default({}).meta({ description: 'Tags applied to every resource.' }),
};

/**
 * The schema of the pipeline config. Parsing applies defaults and checks every rule, including the
 * cross-field ones (unique names, references, what each recipe allows).
 */
export const pipelineConfigSchema = strictObject(pipelineConfigShape)
  .superRefine(
    (config, ctx) => {
      for (const issue of consistencyIssues(config)) {
        ctx.addIssue({ code: 'custom', path: [...issue.path], message: issue.message, input: config });
      }
    },
    // Run even when other fields are invalid, so every problem is reported at once.
    { when: (payload) => typeof payload.value === 'object' && payload.value !== null },
  )
  .meta({
    title: 'personalize-pipeline config',
    description: 'Amazon Personalize resources and how to build them.',
  });

/** The parsed config, with every default applied. */
export type PipelineConfig = z.output<typeof pipelineConfigSchema>;
/** The config as written in `personalize.config.json` (defaults optional). */
export type PipelineConfigInput = z.input<typeof pipelineConfigSchema>;

/** One dataset (interactions, items or users) of the config. */
export type DatasetDefinition = z.output<typeof datasetSchema>;
/** One solution of the config. */
export type SolutionDefinition = z.output<typeof solutionSchema>;
/** Personalize `SolutionConfig` as written in the config. */
export type PersonalizeSolutionConfig = z.output<typeof solutionConfigSchema>;
/** Campaign settings of a solution. */
export type CampaignSettings = z.output<typeof campaignSchema>;
/** One filter of the config. */
export type FilterDefinition = z.output<typeof filterSchema>;
/** One batch inference or segment job of the config. */
export type BatchJobDefinition = z.output<typeof batchJobSchema>;
/** The quality gate a new solution version must pass before it goes live. */
export type QualityGate = z.output<typeof qualityGateSchema>;
/** The real-time API's settings. */
export type ServingSettings = z.output<typeof servingSchema>;
/** One recommender of a domain dataset group. */
export type RecommenderDefinition = z.output<typeof recommenderSchema>;
/** The metric attribution of the dataset group. */
export type MetricAttributionDefinition = z.output<typeof metricAttributionSchema>;
/** One A/B experiment of the serving API. */
export type ExperimentDefinition = z.output<typeof experimentSchema>;
/** One client application of the real-time API. */
export type ServingClient = z.output<typeof servingClientSchema>;
/** The private network's settings. */
export type NetworkSettings = z.output<typeof networkSchema>;
/** Per-stage timeouts, in minutes. */
export type StageTimeouts = z.output<typeof timeoutsSchema>;
/** How runs of the project share it. */
export type RunsSettings = z.output<typeof runsSchema>;
