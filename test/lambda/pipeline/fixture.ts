/**
 * The world of the handler tests and the projects in it.
 *
 * The world: this worker's moto, a Personalize emulator with zero delays, the notification targets, the
 * environment every pipeline function gets, and the handlers, loaded after that environment (they read it
 * at cold start). It is built by the first test of a file that asks for it.
 *
 * A project is a config of its own on that world (its own dataset group, schemas and data location), so a
 * test that creates, changes or deletes things does so in a project no other test of its file uses. Its
 * stages (dataset group, datasets, imports, filters, solution, trained version, campaign, tracker) are each
 * built once per file, by the handlers and the poll loop as the state machine calls them, when the first
 * test needs them: every test asks for the stage it starts from and can run alone.
 *
 * The data is the sample data, with the interactions cut to their first 5,000 rows: enough for every recipe
 * and Personalize's minimum-data rules, and quick to import and train.
 */
import { PersonalizeClient } from '@aws-sdk/client-personalize';
import { SSMClient } from '@aws-sdk/client-ssm';
import type * as Contract from '../../../core/pipeline-contract';
import type { RunningEmulator } from '../../../local/emulator';
import {
  createNotificationTargets,
  once,
  pollUntilDone,
  putObjects,
  readRepoFile,
  setPipelineEnv,
  startLocalPersonalize,
  type SharedFixture,
} from '../helpers';

/** The project of each file's first tests, and the PROJECT_NAME of the functions. */
export const PROJECT = 'lambda-test';

/** The filter of the test config. */
export const EXCLUDE_PURCHASED = 'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("purchase")';

/** Interactions rows of the test data (the sample's first ones). */
const INTERACTION_ROWS = 5_000;

/** The test data: the sample items, and the sample interactions' first {@link INTERACTION_ROWS} rows. */
export const TEST_DATA: Readonly<Record<'interactions' | 'items', string>> = {
  interactions: `${readRepoFile('sample-data/interactions.csv')
    .split('\n')
    .slice(0, INTERACTION_ROWS + 1)
    .join('\n')}\n`,
  items: readRepoFile('sample-data/items.csv'),
};

/** Every pipeline handler, loaded once the functions' environment is set. */
export interface Handlers {
  readonly validate: typeof import('../../../lambda/pipeline/validate').handler;
  readonly datasetGroup: typeof import('../../../lambda/pipeline/dataset-group').handler;
  readonly datasets: typeof import('../../../lambda/pipeline/datasets').handler;
  readonly imports: typeof import('../../../lambda/pipeline/imports').handler;
  readonly filters: typeof import('../../../lambda/pipeline/filters').handler;
  readonly solution: typeof import('../../../lambda/pipeline/solution').handler;
  readonly solutionVersion: typeof import('../../../lambda/pipeline/solution-version').handler;
  readonly evaluate: typeof import('../../../lambda/pipeline/evaluate').handler;
  readonly campaign: typeof import('../../../lambda/pipeline/campaign').handler;
  readonly poll: typeof import('../../../lambda/pipeline/poll').handler;
  readonly eventTracker: typeof import('../../../lambda/pipeline/event-tracker').handler;
  readonly batchJob: typeof import('../../../lambda/pipeline/batch-job').handler;
  readonly summary: typeof import('../../../lambda/pipeline/summary').handler;
  readonly notifyFailure: typeof import('../../../lambda/pipeline/notify-failure').handler;
  readonly teardown: typeof import('../../../lambda/pipeline/teardown').handler;
}

/** The local services and the handlers. */
export interface World {
  readonly emulator: RunningEmulator;
  /** A Personalize client of the emulator, for what the tests look at. */
  readonly personalize: PersonalizeClient;
  /** An SSM client of moto. */
  readonly ssm: SSMClient;
  readonly h: Handlers;
}

const built: { close?: () => Promise<void> } = {};

/** The world of this test file, built by the first test that asks for it. */
export const world: SharedFixture<World> = once(async () => {
  const local = await startLocalPersonalize();
  const topicArn = await createNotificationTargets();
  setPipelineEnv(PROJECT, topicArn);
  const h: Handlers = {
    validate: (await import('../../../lambda/pipeline/validate')).handler,
    datasetGroup: (await import('../../../lambda/pipeline/dataset-group')).handler,
    datasets: (await import('../../../lambda/pipeline/datasets')).handler,
    imports: (await import('../../../lambda/pipeline/imports')).handler,
    filters: (await import('../../../lambda/pipeline/filters')).handler,
    solution: (await import('../../../lambda/pipeline/solution')).handler,
    solutionVersion: (await import('../../../lambda/pipeline/solution-version')).handler,
    evaluate: (await import('../../../lambda/pipeline/evaluate')).handler,
    campaign: (await import('../../../lambda/pipeline/campaign')).handler,
    poll: (await import('../../../lambda/pipeline/poll')).handler,
    eventTracker: (await import('../../../lambda/pipeline/event-tracker')).handler,
    batchJob: (await import('../../../lambda/pipeline/batch-job')).handler,
    summary: (await import('../../../lambda/pipeline/summary')).handler,
    notifyFailure: (await import('../../../lambda/pipeline/notify-failure')).handler,
    teardown: (await import('../../../lambda/pipeline/teardown')).handler,
  };
  const personalize = new PersonalizeClient({
    region: 'us-east-1',
    endpoint: local.emulator.endpoint,
    maxAttempts: 1,
  });
  const ssm = new SSMClient({ region: 'us-east-1', maxAttempts: 1 });
  built.close = async () => {
    personalize.destroy();
    ssm.destroy();
    await local.close();
  };
  return { emulator: local.emulator, personalize, ssm, h };
});

afterAll(async () => {
  await built.close?.();
});

/** The inline test config of a project: interactions and items, one solution with a campaign, a filter, a batch job. */
export function projectConfig(name: string): Record<string, unknown> {
  return {
    projectName: name,
    datasets: {
      interactions: {
        schemaFile: 'schemas/interactions.json',
        dataLocation: `${name}/interactions/`,
        schema: readRepoFile('schemas/interactions.json'),
      },
      items: {
        schemaFile: 'schemas/items.json',
        dataLocation: `${name}/items/`,
        schema: readRepoFile('schemas/items.json'),
      },
    },
    solutions: [{ name: 'popular', recipe: 'aws-popularity-count', campaign: { minProvisionedTPS: 1 } }],
    filters: [{ name: 'exclude-purchased', expression: EXCLUDE_PURCHASED }],
    batchJobs: [
      { name: 'nightly', type: 'inference', solution: 'popular', numResults: 5, filter: 'exclude-purchased' },
    ],
    qualityGate: { metric: 'coverage', minimum: 0, maxRegression: 0.5 },
    tags: { team: 'recs' },
  };
}

/** A project on the world, with each of its stages built on first use. */
export interface Project {
  readonly name: string;
  /** The S3 key of a dataset's data file. */
  dataKey(dataset: 'interactions' | 'items'): string;
  /** Uploads the test data to the project's data locations (again). */
  upload(): Promise<void>;
  /** The data uploaded and validated: the run state. */
  readonly run: SharedFixture<Contract.RunState>;
  /** The project's one solution definition. */
  solution(run: Contract.RunState): Contract.SolutionDefinition;
  /** The project's one batch job definition. */
  batchJob(run: Contract.RunState): Contract.BatchJobDefinition;
  /** The schemas and the dataset group, ACTIVE. */
  readonly group: SharedFixture<Contract.DatasetGroupResult>;
  /** The datasets, ACTIVE. */
  readonly datasets: SharedFixture<Contract.DatasetsResult>;
  /** The first import of every dataset, finished. */
  readonly imported: SharedFixture<Contract.ImportsResult>;
  /** The config's filters, ACTIVE. */
  readonly filters: SharedFixture<Contract.FiltersResult>;
  /** The solution, ACTIVE, on imported data. */
  readonly solutionCreated: SharedFixture<Contract.SolutionResult>;
  /** The solution's first version, ACTIVE. */
  readonly trained: SharedFixture<Contract.SolutionVersionResult>;
  /** The quality gate's verdict on the first version. */
  readonly evaluated: SharedFixture<Contract.EvaluateResult>;
  /** The campaign serving the first version, ACTIVE. */
  readonly deployed: SharedFixture<Contract.CampaignResult>;
  /** The event tracker, ACTIVE, and its parameter. */
  readonly tracker: SharedFixture<Contract.EventTrackerResult>;
}

const projects = new Map<string, Project>();

/** The project of that name in this test file (the same object for the same name). */
export function project(name: string): Project {
  const existing = projects.get(name);
  if (existing) return existing;
  const created = newProject(name);
  projects.set(name, created);
  return created;
}

function newProject(name: string): Project {
  const dataKey = (dataset: 'interactions' | 'items'): string => `${name}/${dataset}/${dataset}.csv`;
  const upload = async (): Promise<void> =>
    putObjects({ [dataKey('interactions')]: TEST_DATA.interactions, [dataKey('items')]: TEST_DATA.items });
  const solution = (run: Contract.RunState): Contract.SolutionDefinition => {
    const [first] = run.config.solutions;
    if (!first) throw new Error('the test config has a solution');
    return first;
  };
  const batchJob = (run: Contract.RunState): Contract.BatchJobDefinition => {
    const [first] = run.config.batchJobs;
    if (!first) throw new Error('the test config has a batch job');
    return first;
  };

  const run = once(async () => {
    const { h } = await world();
    await upload();
    return h.validate({
      input: { config: projectConfig(name) },
      deployedConfig: {} as Contract.ResolvedConfig,
    });
  });
  const group = once(async () => {
    const { h } = await world();
    const result = await h.datasetGroup(await run());
    await pollUntilDone(h.poll, 'datasetGroup', result.targets);
    return result;
  });
  const datasets = once(async () => {
    const { h } = await world();
    const { config } = await run();
    const { datasetGroupArn, schemaArns } = await group();
    const result = await h.datasets({ config, datasetGroupArn, schemaArns });
    await pollUntilDone(h.poll, 'datasets', result.targets);
    return result;
  });
  const imported = once(async () => {
    const { h } = await world();
    const { config, options, runId } = await run();
    const { datasetArns } = await datasets();
    const result = await h.imports({ config, options, datasetArns, runId });
    await pollUntilDone(h.poll, 'imports', result.targets);
    return result;
  });
  const filters = once(async () => {
    const { h } = await world();
    const { config } = await run();
    const { datasetGroupArn } = await group();
    await imported();
    const result = await h.filters({ config, datasetGroupArn });
    await pollUntilDone(h.poll, 'filters', result.targets);
    return result;
  });
  const solutionCreated = once(async () => {
    const { h } = await world();
    const state = await run();
    const { datasetGroupArn } = await group();
    await imported();
    const result = await h.solution({
      config: state.config,
      options: state.options,
      datasetGroupArn,
      solution: solution(state),
    });
    await pollUntilDone(h.poll, 'solution', result.targets);
    return result;
  });
  const trained = once(async () => {
    const { h } = await world();
    const state = await run();
    const { solutionArn } = await solutionCreated();
    const result = await h.solutionVersion({
      config: state.config,
      options: state.options,
      solutionArn,
      solution: solution(state),
    });
    await pollUntilDone(h.poll, 'training', result.targets);
    return result;
  });
  const evaluated = once(async () => {
    const { h } = await world();
    const state = await run();
    const { solutionVersionArn } = await trained();
    return h.evaluate({
      config: state.config,
      solution: solution(state),
      solutionVersionArn,
      campaignName: `${name}-popular`,
    });
  });
  const deployed = once(async () => {
    const { h } = await world();
    const state = await run();
    const { solutionVersionArn } = await trained();
    const result = await h.campaign({ config: state.config, solution: solution(state), solutionVersionArn });
    await pollUntilDone(h.poll, 'campaign', result.targets);
    return result;
  });
  const tracker = once(async () => {
    const { h } = await world();
    const { config } = await run();
    const { datasetGroupArn } = await group();
    const result = await h.eventTracker({ config, datasetGroupArn });
    await pollUntilDone(h.poll, 'eventTracker', result.targets);
    return result;
  });
  return {
    name,
    dataKey,
    upload,
    run,
    solution,
    batchJob,
    group,
    datasets,
    imported,
    filters,
    solutionCreated,
    trained,
    evaluated,
    deployed,
    tracker,
  };
}

/** A step result without the stage start time, which depends on the clock. */
export function withoutStart<T extends { startedAt: number }>(result: T): Omit<T, 'startedAt'> {
  const { startedAt, ...rest } = result;
  expect(Math.abs(startedAt - Date.now() / 1000)).toBeLessThan(600);
  return rest;
}
