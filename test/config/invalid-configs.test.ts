import {
  configJsonSchema,
  ConfigValidationError,
  CURRENT_RECIPE_NAMES,
  parseConfig,
  type PipelineConfigInput,
} from '../../core/config';
import { issuesOf, minimalConfig } from './helpers';

/** A minimal valid config with `changes` applied on top. */
function configWith(changes: Record<string, unknown>): Record<string, unknown> {
  return { ...minimalConfig(), ...changes };
}

function solutions(...list: Record<string, unknown>[]): { solutions: Record<string, unknown>[] } {
  return { solutions: list };
}

const base = minimalConfig() as PipelineConfigInput;

/** The config's top-level keys, in schema order, as unknown-key messages list them. */
const TOP_LEVEL_KEYS = Object.keys(
  (configJsonSchema() as { properties: Record<string, unknown> }).properties,
).join(', ');
const interactions = base.datasets.interactions;

interface Case {
  readonly name: string;
  readonly input: unknown;
  readonly issues: readonly string[];
}

const cases: readonly Case[] = [
  {
    name: 'rejects an unknown recipe and lists the recipes it accepts',
    input: configWith(solutions({ name: 'recs', recipe: 'aws-simz' })),
    issues: [
      `solutions[0].recipe: unknown recipe "aws-simz"; expected one of ${CURRENT_RECIPE_NAMES.join(', ')}`,
    ],
  },
  {
    name: 'rejects a legacy recipe and names its replacement',
    input: configWith(solutions({ name: 'recs', recipe: 'aws-hrnn' })),
    issues: [
      'solutions[0].recipe: recipe "aws-hrnn" is legacy and no longer accepted for new solutions; use aws-user-personalization',
    ],
  },
  {
    name: 'rejects a project name with upper-case letters or underscores',
    input: configWith({ projectName: 'Shop_Recs' }),
    issues: [
      'projectName: invalid project name "Shop_Recs"; use lower-case letters, digits and "-", starting with a letter',
    ],
  },
  {
    name: 'rejects a project name longer than 32 characters',
    input: configWith({ projectName: 'a'.repeat(33) }),
    issues: ['projectName: too long (33 characters); expected at most 32 characters'],
  },
  {
    name: 'rejects duplicate solution names',
    input: configWith(
      solutions({ name: 'recs', recipe: 'aws-user-personalization' }, { name: 'recs', recipe: 'aws-sims' }),
    ),
    issues: [
      'solutions[1].name: duplicate solution name "recs" (also used by solutions[0]); names must be unique',
    ],
  },
  {
    name: 'rejects a batch job that references a missing solution',
    input: configWith({ batchJobs: [{ name: 'nightly', type: 'inference', solution: 'recz' }] }),
    issues: ['batchJobs[0].solution: unknown solution "recz"; expected one of recs'],
  },
  {
    name: 'rejects a batch job that references a missing filter',
    input: configWith({
      batchJobs: [{ name: 'nightly', type: 'inference', solution: 'recs', filter: 'unseen' }],
    }),
    issues: ['batchJobs[0].filter: unknown filter "unseen"; no filters are defined'],
  },
  {
    name: 'rejects UPDATE training on aws-sims',
    input: configWith(solutions({ name: 'related', recipe: 'aws-sims', trainingMode: 'UPDATE' })),
    issues: [
      'solutions[0].trainingMode: UPDATE training is not available for recipe aws-sims; use FULL (UPDATE works with aws-user-personalization)',
    ],
  },
  {
    name: 'rejects an UPDATE schedule for a recipe without UPDATE training',
    input: configWith(
      solutions({ name: 'popular', recipe: 'aws-popularity-count', schedule: { update: 'rate(1 day)' } }),
    ),
    issues: [
      'solutions[0].schedule.update: recipe aws-popularity-count cannot be retrained with UPDATE; remove schedule.update and use schedule.full (UPDATE works with aws-user-personalization)',
    ],
  },
  {
    name: 'rejects a schedule that is neither rate() nor cron()',
    input: configWith(
      solutions({ name: 'recs', recipe: 'aws-user-personalization', schedule: { full: 'weekly' } }),
    ),
    issues: [
      'solutions[0].schedule.full: invalid schedule "weekly"; expected "rate(N minute|minutes|hour|hours|day|days)" or "cron(<6 fields>)"',
    ],
  },
  {
    name: 'rejects a five-field cron expression',
    input: configWith(
      solutions({ name: 'recs', recipe: 'aws-user-personalization', schedule: { full: 'cron(0 3 * * ?)' } }),
    ),
    issues: [
      'solutions[0].schedule.full: invalid schedule "cron(0 3 * * ?)"; cron() needs 6 fields (minutes hours day-of-month month day-of-week year), got 5',
    ],
  },
  {
    name: 'rejects a campaign for a USER_SEGMENTATION recipe',
    input: configWith(solutions({ name: 'segments', recipe: 'aws-item-affinity', campaign: {} })),
    issues: [
      'solutions[0].campaign: recipe aws-item-affinity (USER_SEGMENTATION) cannot be deployed to a campaign; remove "campaign" and use a batch job of type "segment"',
    ],
  },
  {
    name: 'rejects a name that is too long once prefixed with the project name',
    input: configWith({
      projectName: 'shop-recommendations',
      ...solutions({
        name: 'user-personalization-with-a-rather-long-name-x',
        recipe: 'aws-user-personalization',
      }),
    }),
    issues: [
      'solutions[0].name: the solution (and its campaign) name "shop-recommendations-user-personalization-with-a-rather-long-name-x" would be 67 characters; Personalize allows at most 63, so in project "shop-recommendations" a solution name can have at most 42 characters',
    ],
  },
  {
    name: 'rejects a value of the wrong type and says what it expected and received',
    input: configWith(
      solutions({ name: 'recs', recipe: 'aws-user-personalization', campaign: { minProvisionedTPS: '1' } }),
    ),
    issues: ['solutions[0].campaign.minProvisionedTPS: expected a number, received string "1"'],
  },
  {
    name: 'rejects a config without an interactions dataset',
    input: configWith({
      datasets: { items: { schemaFile: 'schemas/items.json', dataLocation: 'datasets/items/' } },
    }),
    issues: [
      'datasets.interactions: missing; every project needs an interactions dataset, e.g. { "schemaFile": "schemas/interactions.json", "dataLocation": "datasets/interactions/" }',
    ],
  },
  {
    name: 'rejects an unknown top-level key and suggests the closest one',
    input: configWith({ qualtyGate: { minimum: 0.1 } }),
    issues: [
      `qualtyGate: unknown key "qualtyGate" (did you mean "qualityGate"?); allowed keys are ${TOP_LEVEL_KEYS}`,
    ],
  },
  {
    name: 'rejects an explorationWeight above 1',
    input: configWith(
      solutions({ name: 'recs', recipe: 'aws-user-personalization', campaign: { explorationWeight: 1.5 } }),
    ),
    issues: ['solutions[0].campaign.explorationWeight: 1.5 is too large; expected at most 1'],
  },
  {
    name: 'rejects exploration settings for a recipe that does not explore',
    input: configWith(
      solutions({ name: 'related', recipe: 'aws-sims', campaign: { explorationItemAgeCutOff: 30 } }),
    ),
    issues: [
      'solutions[0].campaign.explorationItemAgeCutOff: recipe aws-sims does not explore new items; remove explorationItemAgeCutOff (exploration works with aws-user-personalization-v2, aws-user-personalization)',
    ],
  },
  {
    name: 'rejects a recipe that needs the items dataset when there is none',
    input: configWith(solutions({ name: 'segments', recipe: 'aws-item-attribute-affinity' })),
    issues: [
      'solutions[0].recipe: recipe aws-item-attribute-affinity needs the items dataset; add datasets.items',
    ],
  },
  {
    name: 'rejects a recipe that needs datasets the pipeline does not manage',
    input: configWith(solutions({ name: 'actions', recipe: 'aws-next-best-action' })),
    issues: [
      'solutions[0].recipe: recipe aws-next-best-action needs Actions and Action_Interactions datasets, which this pipeline does not manage; choose another recipe',
    ],
  },
  {
    name: 'rejects a segment job on a solution whose recipe is not USER_SEGMENTATION',
    input: configWith({ batchJobs: [{ name: 'segments', type: 'segment', solution: 'recs' }] }),
    issues: [
      'batchJobs[0].type: segment jobs need a USER_SEGMENTATION recipe (aws-item-affinity, aws-item-attribute-affinity); solution "recs" uses aws-user-personalization (USER_PERSONALIZATION)',
    ],
  },
  {
    name: 'rejects an inference job on a recipe without batch inference',
    input: configWith({
      ...solutions({ name: 'trending', recipe: 'aws-trending-now' }),
      batchJobs: [{ name: 'nightly', type: 'inference', solution: 'trending' }],
    }),
    issues: [
      'batchJobs[0].type: solution "trending" uses aws-trending-now (POPULAR_ITEMS), which does not support batch inference; use a solution whose recipe does (aws-user-personalization-v2, aws-user-personalization, aws-personalized-ranking-v2, aws-personalized-ranking, aws-popularity-count, aws-similar-items, aws-sims, aws-semantic-similarity)',
    ],
  },
  {
    name: 'rejects more than 500 results for an inference job',
    input: configWith({
      batchJobs: [{ name: 'nightly', type: 'inference', solution: 'recs', numResults: 1000 }],
    }),
    issues: [
      'batchJobs[0].numResults: 1000 is too large for an inference job; expected at most 500 (segment jobs allow up to 5000000 users)',
    ],
  },
  {
    name: 'rejects a user filter on an inference job',
    input: configWith({
      filters: [{ name: 'members', expression: 'INCLUDE UserID WHERE Users.MEMBERSHIP IN ("plus")' }],
      batchJobs: [{ name: 'nightly', type: 'inference', solution: 'recs', filter: 'members' }],
    }),
    issues: [
      'batchJobs[0].filter: filter "members" filters UserID records; inference jobs need a filter on ItemID',
    ],
  },
  {
    name: 'rejects a filter expression that does not start with INCLUDE or EXCLUDE',
    input: configWith({ filters: [{ name: 'cheap', expression: 'ItemID WHERE Items.PRICE < 10' }] }),
    issues: [
      'filters[0].expression: Expected INCLUDE or EXCLUDE at the start of an expression, found "ItemID" (at position 0)',
    ],
  },
  {
    name: 'rejects a filter expression the filter parser refuses, with its message and position',
    input: configWith({
      filters: [{ name: 'shoes', expression: 'INCLUDE ItemID WHERE Items.CATEGORY CONTAINS "x"' }],
    }),
    issues: [
      'filters[0].expression: Expected IN, NOT IN, =, <, <=, > or >= after Items.CATEGORY, found "CONTAINS" (there is no CONTAINS operator; use IN) (at position 36)',
    ],
  },
  {
    name: 'rejects more than 10 filters',
    input: configWith({
      filters: Array.from({ length: 11 }, (_, index) => ({
        name: `f${index}`,
        expression: `EXCLUDE ItemID WHERE Items.BRAND IN ("b${index}")`,
      })),
    }),
    issues: ['filters: too many entries (11); expected at most 10'],
  },
  {
    name: 'rejects an S3 URI as a data location',
    input: configWith({
      datasets: { interactions: { ...interactions, dataLocation: 's3://my-bucket/datasets/interactions/' } },
    }),
    issues: [
      `datasets.interactions.dataLocation: must be a key or key prefix inside the project's data bucket, e.g. "datasets/interactions/"; received "s3://my-bucket/datasets/interactions/"`,
    ],
  },
  {
    name: 'rejects data locations that contain one another',
    input: configWith({
      datasets: {
        interactions: { ...interactions, dataLocation: 'datasets/' },
        items: { schemaFile: 'schemas/items.json', dataLocation: 'datasets/items/' },
      },
    }),
    issues: [
      'datasets.items.dataLocation: "datasets/items/" lies inside datasets.interactions.dataLocation "datasets/"; an import reads every file under its prefix, so each dataset needs its own prefix',
    ],
  },
  {
    name: 'rejects an unknown import mode and lists the allowed ones',
    input: configWith({ datasets: { interactions: { ...interactions, importMode: 'full' } } }),
    issues: [
      'datasets.interactions.importMode: string "full" is not allowed; expected one of "FULL", "INCREMENTAL"',
    ],
  },
  {
    name: 'rejects tag keys with the reserved aws: prefix',
    input: configWith({ tags: { 'aws:owner': 'me' } }),
    issues: ['tags["aws:owner"]: invalid key "aws:owner"; the "aws:" prefix is reserved for AWS'],
  },
  {
    name: 'rejects hyperparameters given as numbers',
    input: configWith(
      solutions({
        name: 'recs',
        recipe: 'aws-user-personalization',
        solutionConfig: { algorithmHyperParameters: { hidden_dimension: 128 } },
      }),
    ),
    issues: [
      'solutions[0].solutionConfig.algorithmHyperParameters.hidden_dimension: algorithmHyperParameters values are strings, e.g. "0.5"; received number 128',
    ],
  },
  {
    name: 'rejects an unknown solutionConfig key',
    input: configWith(
      solutions({
        name: 'recs',
        recipe: 'aws-user-personalization',
        solutionConfig: { hyperParameters: {} },
      }),
    ),
    issues: [
      'solutions[0].solutionConfig.hyperParameters: unknown key "hyperParameters"; allowed keys are eventValueThreshold, hpoConfig, algorithmHyperParameters, featureTransformationParameters, autoMLConfig, eventsConfig, optimizationObjective, trainingDataConfig, autoTrainingConfig',
    ],
  },
  {
    name: 'rejects hpoConfig when hyperparameter optimisation is off',
    input: configWith(
      solutions({
        name: 'recs',
        recipe: 'aws-user-personalization',
        solutionConfig: { hpoConfig: { hpoResourceConfig: { maxNumberOfTrainingJobs: '8' } } },
      }),
    ),
    issues: [
      'solutions[0].solutionConfig.hpoConfig: hpoConfig is only used when performHPO is true; set performHPO to true or remove hpoConfig',
    ],
  },
  {
    name: 'rejects an empty list of solutions',
    input: configWith({ solutions: [] }),
    issues: ['solutions: must not be empty; expected at least one entry'],
  },
  {
    name: 'rejects a quality gate metric Personalize does not report',
    input: configWith({ qualityGate: { metric: 'ndcg_at_10' } }),
    issues: [
      'qualityGate.metric: string "ndcg_at_10" is not allowed; expected one of "normalized_discounted_cumulative_gain_at_5", "normalized_discounted_cumulative_gain_at_10", "normalized_discounted_cumulative_gain_at_25", "precision_at_5", "precision_at_10", "precision_at_25", "mean_reciprocal_rank_at_25", "coverage"',
    ],
  },
  {
    name: 'rejects a run overlap policy other than queue or reject, naming the field',
    input: configWith({ runs: { overlap: 'parallel' } }),
    issues: [
      'runs.overlap: "parallel" is not a run overlap policy; use "queue" (wait for the running execution, then run) or "reject" (fail at once, naming the running execution)',
    ],
  },
  {
    name: 'rejects a document that is not an object',
    input: ['shop'],
    issues: ['(root): expected an object, received an array'],
  },
];

describe('an invalid config', () => {
  test.each(cases)('$name', ({ input, issues }) => {
    // Act
    const reported = issuesOf(input);

    // Assess
    expect(reported).toEqual(issues);
  });

  test('reports every problem at once, structural and cross-field together', () => {
    // Prepare
    const input = {
      projectName: 'Shop',
      datasets: { interactions: { schemaFile: 'schemas/interactions.json', dataLocation: '/datasets/' } },
      solutions: [
        { name: 'recs', recipe: 'aws-user-personalization', campaign: { explorationWeight: 2 } },
        { name: 'recs', recipe: 'aws-sims', trainingMode: 'UPDATE' },
      ],
      batchJobs: [{ name: 'nightly', type: 'inference', solution: 'missing' }],
      colour: 'blue',
    };

    // Act
    const reported = issuesOf(input);

    // Assess
    expect(reported).toEqual([
      'projectName: invalid project name "Shop"; use lower-case letters, digits and "-", starting with a letter',
      `datasets.interactions.dataLocation: must be a key or key prefix inside the project's data bucket, e.g. "datasets/interactions/"; received "/datasets/"`,
      'solutions[0].campaign.explorationWeight: 2 is too large; expected at most 1',
      `colour: unknown key "colour"; allowed keys are ${TOP_LEVEL_KEYS}`,
      'solutions[1].name: duplicate solution name "recs" (also used by solutions[0]); names must be unique',
      'solutions[1].trainingMode: UPDATE training is not available for recipe aws-sims; use FULL (UPDATE works with aws-user-personalization)',
      'batchJobs[0].solution: unknown solution "missing"; expected one of recs',
    ]);
  });

  test('names the source in the error message and lists each issue on its own line', () => {
    // Act
    let caught: unknown;
    try {
      parseConfig(
        { ...minimalConfig(), projectName: 'Bad', colour: 1 },
        's3://bucket/personalize.config.json',
      );
    } catch (error) {
      caught = error;
    }

    // Assess
    expect(caught).toBeInstanceOf(ConfigValidationError);
    const error = caught as ConfigValidationError;
    expect(error.name).toBe('ConfigValidationError');
    expect(error.source).toBe('s3://bucket/personalize.config.json');
    expect(error.message).toBe(
      [
        'Invalid config in s3://bucket/personalize.config.json:',
        '  - projectName: invalid project name "Bad"; use lower-case letters, digits and "-", starting with a letter',
        `  - colour: unknown key "colour"; allowed keys are ${TOP_LEVEL_KEYS}`,
      ].join('\n'),
    );
  });
});
