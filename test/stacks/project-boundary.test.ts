/**
 * The IAM boundary between projects, proven on the synthesized app: no statement of project `shop-recs` (the
 * sample config) reaches a Personalize resource of another project in the same account whose name starts
 * with `shop-recs` (such as `shop-recs-eu` with the same config names), while every resource of `shop-recs`
 * itself is reachable by each function that acts on it.
 */
import { loadConfig } from '../../core/config';
import {
  batchJobName,
  campaignName,
  compactTimestamp,
  DATASET_KEYS,
  datasetGroupName,
  eventTrackerName,
  filterName,
  iamPatternMatches,
  importJobName,
  MAX_SCHEMA_GENERATION,
  schemaName,
  solutionName,
} from '../../core/names';
import { PIPELINE_PERMISSIONS, type PipelineStep } from '../../core/pipeline-steps';
import { buildApp } from '../../lib/app';
import { UNSCOPED_ACTIONS } from '../../lib/constructs/permissions';
import { testApp } from '../util/app';
import { personalizeArn, policiesOf, type Statement, TEST_ENV } from './iam';

const config = loadConfig('personalize.config.json');
const app = testApp();
const stacks = buildApp(app, config, { env: { account: TEST_ENV.account, region: TEST_ENV.region } });
const policies = policiesOf(app, [stacks.data, stacks.pipeline]);

const RUN_ID = compactTimestamp(new Date('2026-03-04T05:06:07Z'));
/** A solution version id as Personalize generates them. */
const VERSION_ID = '1a2b3c4d';

type Kind =
  | 'dataset-group'
  | 'schema'
  | 'dataset'
  | 'dataset-import-job'
  | 'filter'
  | 'solution'
  | 'solution-version'
  | 'campaign'
  | 'event-tracker'
  | 'batch-inference-job'
  | 'batch-segment-job';

/** The ARN of every Personalize resource `project` creates with the sample config's names, by kind. */
function resourcesOf(project: string): Record<Kind, string[]> {
  const group = datasetGroupName(project);
  const solutions = config.solutions.map((s) => solutionName(project, s.name));
  const batchJobs = config.batchJobs.map((j) => batchJobName(project, j.name, RUN_ID));
  const names: Record<Kind, string[]> = {
    'dataset-group': [`dataset-group/${group}`],
    schema: DATASET_KEYS.flatMap((key) =>
      [1, 2, 10, MAX_SCHEMA_GENERATION].map((version) => `schema/${schemaName(project, key, version)}`),
    ),
    dataset: DATASET_KEYS.map((key) => `dataset/${group}/${key.toUpperCase()}`),
    'dataset-import-job': DATASET_KEYS.map(
      (key) => `dataset-import-job/${importJobName(project, key, RUN_ID)}`,
    ),
    filter: config.filters.map((f) => `filter/${filterName(project, f.name, f.expression)}`),
    solution: solutions.map((name) => `solution/${name}`),
    'solution-version': solutions.map((name) => `solution/${name}/${VERSION_ID}`),
    campaign: config.solutions.map((s) => `campaign/${campaignName(project, s.name)}`),
    'event-tracker': [`event-tracker/${eventTrackerName(project)}`],
    'batch-inference-job': batchJobs.map((name) => `batch-inference-job/${name}`),
    'batch-segment-job': batchJobs.map((name) => `batch-segment-job/${name}`),
  };
  return Object.fromEntries(
    Object.entries(names).map(([kind, suffixes]) => [kind, suffixes.map(personalizeArn)]),
  ) as Record<Kind, string[]>;
}

/** Statements granting a Personalize action on a resource (List calls on "*" act on no resource). */
function personalizeStatements(): Array<Statement & { policy: string }> {
  return policies.flatMap((policy) =>
    policy.statements
      .filter((s) => s.actions.some((a) => a.startsWith('personalize:') && UNSCOPED_ACTIONS[a] === undefined))
      .map((s) => ({ ...s, policy: `${policy.stack}/${policy.logicalId}` })),
  );
}

/** Whether any statement of the function's role allows `action` on `arn`. */
function roleAllows(step: PipelineStep, action: string, arn: string): boolean {
  const role = stacks.pipeline.getLogicalId(stacks.pipeline.functions[step].role.node.defaultChild as never);
  return policies
    .filter((policy) => policy.roles.includes(role))
    .flatMap((policy) => policy.statements)
    .some(
      (s) => s.actions.includes(action) && s.resources.some((pattern) => iamPatternMatches(pattern, arn)),
    );
}

const NOUNS: Record<string, Kind> = {
  DatasetGroup: 'dataset-group',
  Schema: 'schema',
  Dataset: 'dataset',
  DatasetImportJob: 'dataset-import-job',
  Filter: 'filter',
  Solution: 'solution',
  SolutionVersion: 'solution-version',
  Campaign: 'campaign',
  EventTracker: 'event-tracker',
  BatchInferenceJob: 'batch-inference-job',
  BatchSegmentJob: 'batch-segment-job',
};

/** The kinds of resource a step's action acts on: its noun; for TagResource, what the step creates. */
function kindsActedOn(step: PipelineStep, operation: string): Kind[] {
  if (operation === 'TagResource') {
    return PIPELINE_PERMISSIONS[step]
      .filter((action) => action.startsWith('personalize:Create'))
      .flatMap((action) => kindsActedOn(step, action.split(':')[1] ?? ''));
  }
  if (operation === 'GetSolutionMetrics') return ['solution-version'];
  const kind = NOUNS[operation.replace(/^(Create|Describe|Delete|Update)/, '')];
  if (!kind) throw new Error(`No resource kind known for personalize:${operation}`);
  return [kind];
}

describe('the IAM boundary between projects', () => {
  test('the app has Personalize statements to check', () => {
    expect(personalizeStatements().length).toBeGreaterThanOrEqual(12);
  });

  test.each(['shop-recs-eu', 'shop-recs-v2', 'shop-recs-popular', 'shop'])(
    'no statement of shop-recs matches any resource of a project named %s',
    (other) => {
      // Prepare
      const foreign = Object.values(resourcesOf(other)).flat();

      // Act
      const reached = personalizeStatements().flatMap((statement) =>
        statement.resources.flatMap((pattern) =>
          foreign
            .filter((arn) => iamPatternMatches(pattern, arn))
            .map((arn) => `${statement.policy} ${pattern} → ${arn}`),
        ),
      );

      // Assess
      expect(reached).toEqual([]);
    },
  );

  test.each(Object.keys(PIPELINE_PERMISSIONS) as PipelineStep[])(
    'the %s function may act on every shop-recs resource its actions need',
    (step) => {
      // Prepare
      const own = resourcesOf(config.projectName);
      const needs = PIPELINE_PERMISSIONS[step]
        .filter((action) => action.startsWith('personalize:') && UNSCOPED_ACTIONS[action] === undefined)
        .flatMap((action) =>
          kindsActedOn(step, action.split(':')[1] ?? '').flatMap((kind) =>
            own[kind].map((arn) => ({ action, arn })),
          ),
        );

      // Act
      const denied = needs.filter(({ action, arn }) => !roleAllows(step, action, arn));

      // Assess
      expect(denied).toEqual([]);
    },
  );

  test('teardown may delete the campaigns, datasets, schemas and dataset group of shop-recs', () => {
    const own = resourcesOf(config.projectName);

    expect(own.campaign.every((arn) => roleAllows('teardown', 'personalize:DeleteCampaign', arn))).toBe(true);
    expect(own.dataset.every((arn) => roleAllows('teardown', 'personalize:DeleteDataset', arn))).toBe(true);
    expect(own.schema.every((arn) => roleAllows('teardown', 'personalize:DeleteSchema', arn))).toBe(true);
    expect(roleAllows('teardown', 'personalize:DeleteDatasetGroup', own['dataset-group'][0] ?? '')).toBe(
      true,
    );
  });
});
