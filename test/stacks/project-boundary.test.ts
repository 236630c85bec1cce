/**
 * The IAM boundary between projects, proven on the synthesized app: no statement of project `shop-recs` (the
 * sample config) reaches a Personalize resource of another project in the same account whose name starts
 * with `shop-recs` (such as `shop-recs-eu` with the same config names), while every resource of `shop-recs`
 * itself is reachable by each function that acts on it: the pipeline's and the serving API's.
 */
import type * as iam from 'aws-cdk-lib/aws-iam';
import { loadConfig } from '../../core/config';
import { iamPatternMatches } from '../../core/names';
import { PIPELINE_PERMISSIONS, type PipelineStep } from '../../core/pipeline-steps';
import { buildApp } from '../../lib/app';
import { UNSCOPED_ACTIONS } from '../../lib/constructs/permissions';
import { testApp } from '../util/app';
import { type PersonalizeKind, personalizeResourcesOf, policiesOf, type Statement, TEST_ENV } from './iam';

const config = loadConfig('personalize.config.json');
const app = testApp();
const stacks = buildApp(app, config, { env: { account: TEST_ENV.account, region: TEST_ENV.region } });
const serving = stacks.serving;
if (!serving) throw new Error('The sample config deploys a ServingStack');
const policies = policiesOf(app, [stacks.data, stacks.pipeline, serving]);

/** Statements granting a Personalize action on a resource (List calls on "*" act on no resource). */
function personalizeStatements(): Array<Statement & { policy: string }> {
  return policies.flatMap((policy) =>
    policy.statements
      .filter((s) => s.actions.some((a) => a.startsWith('personalize:') && UNSCOPED_ACTIONS[a] === undefined))
      .map((s) => ({ ...s, policy: `${policy.stack}/${policy.logicalId}` })),
  );
}

/** Whether any statement of the role allows `action` on `arn`. */
function allows(role: iam.Role, action: string, arn: string): boolean {
  const logicalId = role.stack.getLogicalId(role.node.defaultChild as never);
  return policies
    .filter((policy) => policy.roles.includes(logicalId))
    .flatMap((policy) => policy.statements)
    .some(
      (s) => s.actions.includes(action) && s.resources.some((pattern) => iamPatternMatches(pattern, arn)),
    );
}

/** Whether any statement of the pipeline function's role allows `action` on `arn`. */
function roleAllows(step: PipelineStep, action: string, arn: string): boolean {
  return allows(stacks.pipeline.functions[step].role, action, arn);
}

const NOUNS: Record<string, PersonalizeKind> = {
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
  Recommender: 'recommender',
  MetricAttribution: 'metric-attribution',
};

/** The kinds of resource a step's action acts on: its noun; for TagResource, what the step creates. */
function kindsActedOn(step: PipelineStep, operation: string): PersonalizeKind[] {
  if (operation === 'TagResource') {
    return PIPELINE_PERMISSIONS[step]
      .filter((action) => action.startsWith('personalize:Create'))
      .flatMap((action) => kindsActedOn(step, action.split(':')[1] ?? ''));
  }
  if (operation === 'GetSolutionMetrics' || operation === 'StopSolutionVersionCreation')
    return ['solution-version'];
  const kind = NOUNS[operation.replace(/^(Create|Describe|Delete|Update|Start|Stop)/, '')];
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
      const foreign = Object.values(personalizeResourcesOf(config, other)).flat();

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
      const own = personalizeResourcesOf(config, config.projectName);
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
    const own = personalizeResourcesOf(config, config.projectName);

    expect(own.campaign.every((arn) => roleAllows('teardown', 'personalize:DeleteCampaign', arn))).toBe(true);
    expect(own.dataset.every((arn) => roleAllows('teardown', 'personalize:DeleteDataset', arn))).toBe(true);
    expect(own.schema.every((arn) => roleAllows('teardown', 'personalize:DeleteSchema', arn))).toBe(true);
    expect(roleAllows('teardown', 'personalize:DeleteDatasetGroup', own['dataset-group'][0] ?? '')).toBe(
      true,
    );
  });
  test('the serving functions may call every served campaign and filter, the tracker and the two datasets of shop-recs', () => {
    // Prepare
    const own = personalizeResourcesOf(config, config.projectName);
    const functions = serving.functions;
    const role = (handler: keyof typeof functions): iam.Role => {
      const fn = functions[handler];
      if (!fn) throw new Error(`no ${handler} function`);
      return fn.role;
    };
    const [itemsDataset, usersDataset] = ['ITEMS', 'USERS'].map((type) =>
      own.dataset.find((arn) => arn.endsWith(`/${type}`)),
    );

    // Act
    const reads = ['personalize:GetRecommendations', 'personalize:GetPersonalizedRanking'].flatMap((action) =>
      [...own.campaign, ...own.filter].map((arn) => allows(role('recommendations'), action, arn)),
    );

    // Assess
    expect(reads.every(Boolean)).toBe(true);
    expect(allows(role('catalog'), 'personalize:PutItems', itemsDataset ?? '')).toBe(true);
    expect(allows(role('catalog'), 'personalize:PutUsers', usersDataset ?? '')).toBe(true);
    expect(allows(role('catalog'), 'personalize:PutItems', usersDataset ?? '')).toBe(false);
    expect(allows(role('event-consumer'), 'personalize:PutEvents', own['event-tracker'][0] ?? '')).toBe(true);
    expect(allows(role('recommendations'), 'personalize:PutEvents', own['event-tracker'][0] ?? '')).toBe(
      false,
    );
  });
});
