import fc from 'fast-check';
import {
  CURRENT_RECIPE_NAMES,
  findRecipe,
  MIN_FULL_RETRAINING_MINUTES,
  MIN_UPDATE_RETRAINING_MINUTES,
  parseConfig,
  shortestIntervalMinutes,
  QUALITY_METRICS,
  type PipelineConfigInput,
  type Recipe,
} from '../../core/config';

/** Recipes a config can use: every current recipe whose datasets the pipeline manages. */
const USABLE_RECIPES: readonly Recipe[] = CURRENT_RECIPE_NAMES.flatMap(
  (name) => findRecipe(name) ?? [],
).filter((recipe) =>
  recipe.requiredDatasets.every((type) => ['Interactions', 'Items', 'Users'].includes(type)),
);

const projectName = fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/);
const resourceName = fc.stringMatching(/^[a-zA-Z0-9][a-zA-Z0-9_-]{0,20}$/);
const unit = fc.double({ min: 0, max: 1, noNaN: true });
const schedule = fc.oneof(
  fc.constantFrom('rate(1 minute)', 'rate(1 hour)', 'rate(1 day)'),
  fc.integer({ min: 2, max: 90 }).map((n) => `rate(${n} days)`),
  fc
    .tuple(
      fc.integer({ min: 0, max: 59 }),
      fc.integer({ min: 0, max: 23 }),
      fc.constantFrom('SUN', 'MON-FRI', '2#1', '*'),
    )
    .map(([minute, hour, day]) =>
      day === '*' ? `cron(${minute} ${hour} * * ? *)` : `cron(${minute} ${hour} ? * ${day} *)`,
    ),
);

/** Random solution choices; `toSolution` keeps only the ones the recipe allows. */
const solutionChoices = fc.record({
  recipe: fc.constantFrom(...USABLE_RECIPES),
  update: fc.boolean(),
  hpo: fc.boolean(),
  campaign: fc.option(
    fc.record(
      {
        minProvisionedTPS: fc.integer({ min: 1, max: 500 }),
        explorationWeight: unit,
        explorationItemAgeCutOff: fc.double({ min: 0.5, max: 365, noNaN: true }),
        syncWithLatestSolutionVersion: fc.boolean(),
      },
      { requiredKeys: [] },
    ),
    { nil: undefined },
  ),
  full: fc.option(schedule, { nil: undefined }),
  updateSchedule: fc.option(schedule, { nil: undefined }),
  allowFrequent: fc.boolean(),
  gate: fc.option(fc.record({ minimum: unit }, { requiredKeys: [] }), { nil: undefined }),
});

type SolutionChoices = typeof solutionChoices extends fc.Arbitrary<infer T> ? T : never;

function toSolution(name: string, choices: SolutionChoices): Record<string, unknown> {
  const { recipe } = choices;
  const solution: Record<string, unknown> = { name, recipe: recipe.name };
  if (choices.update && recipe.supportsUpdateTraining) solution.trainingMode = 'UPDATE';
  if (choices.hpo && recipe.supportsHPO) solution.performHPO = true;
  if (choices.campaign && recipe.supportsCampaign) {
    const campaign: Record<string, unknown> = { ...choices.campaign };
    if (!recipe.supportsItemExploration) {
      delete campaign.explorationWeight;
      delete campaign.explorationItemAgeCutOff;
    }
    solution.campaign = campaign;
  }
  // Retraining more often than the minimum interval needs schedule.allowFrequent.
  const allowed = (expression: string, minimum: number) =>
    choices.allowFrequent || shortestIntervalMinutes(expression) >= minimum;
  const schedule: Record<string, string | boolean> = {};
  if (choices.full && allowed(choices.full, MIN_FULL_RETRAINING_MINUTES)) schedule.full = choices.full;
  if (
    choices.updateSchedule &&
    recipe.supportsUpdateTraining &&
    allowed(choices.updateSchedule, MIN_UPDATE_RETRAINING_MINUTES)
  ) {
    schedule.update = choices.updateSchedule;
  }
  if (Object.keys(schedule).length > 0) {
    solution.schedule = choices.allowFrequent ? { ...schedule, allowFrequent: true } : schedule;
  }
  if (choices.gate) solution.qualityGate = choices.gate;
  return solution;
}

const FILTER_EXPRESSIONS = [
  'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("purchase")',
  'INCLUDE ItemID WHERE Items.CATEGORY_L1 IN ($CATEGORY)',
  'INCLUDE UserID WHERE Users.MEMBERSHIP IN ("plus")',
];

const configInput: fc.Arbitrary<PipelineConfigInput> = fc
  .record({
    projectName,
    solutions: fc.uniqueArray(fc.record({ name: resourceName, choices: solutionChoices }), {
      minLength: 1,
      maxLength: 6,
      selector: (solution) => solution.name,
    }),
    filters: fc.uniqueArray(
      fc.record({ name: resourceName, expression: fc.constantFrom(...FILTER_EXPRESSIONS) }),
      {
        maxLength: 10,
        selector: (filter) => filter.name,
      },
    ),
    jobs: fc.uniqueArray(
      fc.record({
        name: resourceName,
        pick: fc.nat(),
        numResults: fc.integer({ min: 1, max: 500 }),
        schedule,
      }),
      { maxLength: 4, selector: (job) => job.name },
    ),
    users: fc.boolean(),
    incremental: fc.boolean(),
    domain: fc.constantFrom(undefined, 'ECOMMERCE', 'VIDEO_ON_DEMAND'),
    gate: fc.record(
      { metric: fc.constantFrom(...QUALITY_METRICS), minimum: unit, maxRegression: unit },
      { requiredKeys: [] },
    ),
    timeouts: fc.record({ training: fc.integer({ min: 1, max: 10_000 }) }, { requiredKeys: [] }),
    tags: fc.dictionary(
      fc.stringMatching(/^[a-z][a-z0-9_.:/=+@-]{0,20}$/).filter((key) => !key.startsWith('aws:')),
      fc.stringMatching(/^[a-zA-Z0-9 _.-]{0,30}$/),
      { maxKeys: 5 },
    ),
    tracker: fc.option(fc.boolean(), { nil: undefined }),
  })
  .map((draft) => {
    const solutions = draft.solutions.map(({ name, choices }) => toSolution(name, choices));
    const batchJobs = draft.jobs.flatMap((job) => {
      const solution = solutions[job.pick % solutions.length];
      const recipe = findRecipe(String(solution?.recipe));
      if (!solution || !recipe) return [];
      const type = recipe.supportsBatchSegment
        ? 'segment'
        : recipe.supportsBatchInference
          ? 'inference'
          : undefined;
      if (!type) return [];
      const target = type === 'segment' ? 'UserID' : 'ItemID';
      const filter = draft.filters.find((f) => f.expression.includes(target));
      return [
        {
          name: job.name,
          type,
          solution: String(solution.name),
          numResults: job.numResults,
          schedule: job.schedule,
          ...(filter ? { filter: filter.name } : {}),
        },
      ];
    });
    const input: PipelineConfigInput = {
      $schema: './personalize.config.schema.json',
      projectName: draft.projectName,
      datasetGroup: draft.domain ? { domain: draft.domain } : {},
      datasets: {
        interactions: {
          schemaFile: 'schemas/interactions.json',
          dataLocation: 'datasets/interactions/',
          importMode: draft.incremental ? 'INCREMENTAL' : 'FULL',
        },
        items: { schemaFile: 'schemas/items.json', dataLocation: 'datasets/items/' },
        ...(draft.users
          ? { users: { schemaFile: 'schemas/users.json', dataLocation: 'datasets/users/' } }
          : {}),
      },
      solutions: solutions as PipelineConfigInput['solutions'],
      filters: draft.filters,
      batchJobs: batchJobs as PipelineConfigInput['batchJobs'],
      qualityGate: draft.gate,
      timeouts: draft.timeouts,
      tags: draft.tags,
      ...(draft.tracker === undefined ? {} : { eventTracker: { enabled: draft.tracker } }),
    };
    return input;
  });

describe('any valid config', () => {
  test('parses, keeps every value it was given, and parses again to the same result', () => {
    fc.assert(
      fc.property(configInput, (input) => {
        // Act
        const parsed = parseConfig(input);
        const reparsed = parseConfig(JSON.parse(JSON.stringify(parsed)));

        // Assess
        expect(parsed).toMatchObject(input);
        expect(reparsed).toEqual(parsed);
      }),
      { numRuns: 300 },
    );
  });
});
