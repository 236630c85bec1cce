/**
 * The pipeline handlers in order, against moto and the local Personalize emulator (zero delays),
 * on the sample data: each step creates what it should, a second call creates nothing, and the
 * poll step reports failures with Personalize's reason verbatim.
 */
import {
  DescribeBatchInferenceJobCommand,
  DescribeCampaignCommand,
  DescribeDatasetGroupCommand,
  ListDatasetImportJobsCommand,
  ListFiltersCommand,
  ListSchemasCommand,
  ListTagsForResourceCommand,
  PersonalizeClient,
} from '@aws-sdk/client-personalize';
import { CloudWatchClient, ListMetricsCommand } from '@aws-sdk/client-cloudwatch';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type * as Contract from '../../core/pipeline-contract';
import {
  captureEvents,
  createNotificationTargets,
  KMS_KEY_ARN,
  PARAMETER_PREFIX,
  pollUntilDone,
  putObjects,
  readRepoFile,
  ROLE_ARN,
  setPipelineEnv,
  startLocalPersonalize,
  uploadSampleData,
  type LocalPersonalize,
} from './helpers';

const PROJECT = 'lambda-test';

interface Handlers {
  validate: typeof import('../../lambda/pipeline/validate').handler;
  datasetGroup: typeof import('../../lambda/pipeline/dataset-group').handler;
  datasets: typeof import('../../lambda/pipeline/datasets').handler;
  imports: typeof import('../../lambda/pipeline/imports').handler;
  filters: typeof import('../../lambda/pipeline/filters').handler;
  solution: typeof import('../../lambda/pipeline/solution').handler;
  solutionVersion: typeof import('../../lambda/pipeline/solution-version').handler;
  evaluate: typeof import('../../lambda/pipeline/evaluate').handler;
  campaign: typeof import('../../lambda/pipeline/campaign').handler;
  poll: typeof import('../../lambda/pipeline/poll').handler;
  eventTracker: typeof import('../../lambda/pipeline/event-tracker').handler;
  batchJob: typeof import('../../lambda/pipeline/batch-job').handler;
  summary: typeof import('../../lambda/pipeline/summary').handler;
  notifyFailure: typeof import('../../lambda/pipeline/notify-failure').handler;
  teardown: typeof import('../../lambda/pipeline/teardown').handler;
}

let local: LocalPersonalize;
let h: Handlers;
let personalize: PersonalizeClient;
let ssm: SSMClient;

// State handed from step to step, as the state machine would.
let run: Contract.RunState;
let datasetGroupArn: string;
let schemaArns: Contract.ArnsByDataset;
let datasetArns: Contract.ArnsByDataset;
let filterArns: Record<string, string>;
let solutionArn: string;
let solutionVersionArn: string;
let evaluation: Contract.EvaluateResult;
let campaign: Contract.CampaignResult;
let tracker: Contract.EventTrackerResult;

const EXCLUDE_PURCHASED = 'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("purchase")';

function pipelineConfig(): Record<string, unknown> {
  return {
    projectName: PROJECT,
    datasets: {
      interactions: {
        schemaFile: 'schemas/interactions.json',
        dataLocation: 'datasets/interactions/',
        schema: readRepoFile('schemas/interactions.json'),
      },
      items: {
        schemaFile: 'schemas/items.json',
        dataLocation: 'datasets/items/',
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

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}

/** A batch-job result that started a job (fails the test when it skipped). */
function startedJob(result: Contract.BatchJobResult): Contract.BatchJobStarted {
  if ('skipped' in result) throw new Error(`expected the batch job to start; skipped: ${result.skipped}`);
  return result;
}

/** A step result without the stage start time, which depends on the clock. */
function withoutStart<T extends { startedAt: number }>(result: T): Omit<T, 'startedAt'> {
  const { startedAt, ...rest } = result;
  expect(Math.abs(startedAt - Date.now() / 1000)).toBeLessThan(600);
  return rest;
}

const solutionDef = (): Contract.SolutionDefinition => {
  const solution = run.config.solutions[0];
  if (!solution) throw new Error('the config has a solution');
  return solution;
};

beforeAll(async () => {
  local = await startLocalPersonalize();
  await uploadSampleData();
  const topicArn = await createNotificationTargets();
  setPipelineEnv(PROJECT, topicArn);
  h = {
    validate: (await import('../../lambda/pipeline/validate')).handler,
    datasetGroup: (await import('../../lambda/pipeline/dataset-group')).handler,
    datasets: (await import('../../lambda/pipeline/datasets')).handler,
    imports: (await import('../../lambda/pipeline/imports')).handler,
    filters: (await import('../../lambda/pipeline/filters')).handler,
    solution: (await import('../../lambda/pipeline/solution')).handler,
    solutionVersion: (await import('../../lambda/pipeline/solution-version')).handler,
    evaluate: (await import('../../lambda/pipeline/evaluate')).handler,
    campaign: (await import('../../lambda/pipeline/campaign')).handler,
    poll: (await import('../../lambda/pipeline/poll')).handler,
    eventTracker: (await import('../../lambda/pipeline/event-tracker')).handler,
    batchJob: (await import('../../lambda/pipeline/batch-job')).handler,
    summary: (await import('../../lambda/pipeline/summary')).handler,
    notifyFailure: (await import('../../lambda/pipeline/notify-failure')).handler,
    teardown: (await import('../../lambda/pipeline/teardown')).handler,
  };
  personalize = new PersonalizeClient({
    region: 'us-east-1',
    endpoint: local.emulator.endpoint,
    maxAttempts: 1,
  });
  ssm = new SSMClient({ region: 'us-east-1', maxAttempts: 1 });
  run = await h.validate({
    input: { config: pipelineConfig() },
    deployedConfig: {} as Contract.ResolvedConfig,
  });
});

afterAll(async () => {
  personalize?.destroy();
  ssm?.destroy();
  await local?.close();
});

describe('the pipeline handlers on the emulator', () => {
  test('dataset-group creates the schemas and the KMS-encrypted dataset group, and a second call creates nothing', async () => {
    // Act
    const first = await h.datasetGroup(run);
    await pollUntilDone(h.poll, 'datasetGroup', [{ kind: 'datasetGroup', arn: first.datasetGroupArn }]);
    const second = await h.datasetGroup(run);
    // Assess
    expect(first.datasetGroupArn).toBe(`arn:aws:personalize:us-east-1:123456789012:dataset-group/${PROJECT}`);
    expect(Object.keys(first.schemaArns).sort()).toEqual(['interactions', 'items']);
    expect(first.created).toHaveLength(3);
    expect(withoutStart(second)).toEqual(withoutStart({ ...first, created: [] }));
    expect(first.targets).toEqual([{ kind: 'datasetGroup', arn: first.datasetGroupArn }]);
    const group = await personalize.send(
      new DescribeDatasetGroupCommand({ datasetGroupArn: first.datasetGroupArn }),
    );
    expect(group.datasetGroup?.kmsKeyArn).toBe(process.env.KMS_KEY_ARN);
    ({ datasetGroupArn, schemaArns } = first);
  });

  test('datasets creates one dataset per configured type, and a second call creates nothing', async () => {
    // Act
    const first = await h.datasets({ config: run.config, datasetGroupArn, schemaArns });
    await pollUntilDone(
      h.poll,
      'datasets',
      Object.values(first.datasetArns).map((arn) => ({ kind: 'dataset' as const, arn: arn ?? '' })),
    );
    const again = await h.datasets({ config: run.config, datasetGroupArn, schemaArns });
    // Assess
    expect(first.datasetArns).toEqual({
      interactions: `arn:aws:personalize:us-east-1:123456789012:dataset/${PROJECT}/INTERACTIONS`,
      items: `arn:aws:personalize:us-east-1:123456789012:dataset/${PROJECT}/ITEMS`,
    });
    expect(first.created).toHaveLength(2);
    expect(withoutStart(again)).toEqual({
      datasetArns: first.datasetArns,
      created: [],
      targets: first.targets,
    });
    datasetArns = first.datasetArns;
  });

  test('imports starts one job per dataset, never a second one, and later skips unchanged data', async () => {
    // Act
    const first = await h.imports({
      config: run.config,
      options: run.options,
      datasetArns,
      runId: run.runId,
    });
    const rerun = await h.imports({
      config: run.config,
      options: run.options,
      datasetArns,
      runId: run.runId,
    });
    await pollUntilDone(
      h.poll,
      'imports',
      first.jobArns.map((arn) => ({ kind: 'datasetImportJob' as const, arn })),
    );
    const later = await h.imports({
      config: run.config,
      options: run.options,
      datasetArns,
      runId: '20990101000000',
    });
    // Assess
    expect(first.imports.map((i) => i.datasetType)).toEqual(['interactions', 'items']);
    expect(first.jobArns).toEqual([
      `arn:aws:personalize:us-east-1:123456789012:dataset-import-job/${PROJECT}-interactions-${run.runId}`,
      `arn:aws:personalize:us-east-1:123456789012:dataset-import-job/${PROJECT}-items-${run.runId}`,
    ]);
    expect(rerun.jobArns.filter((arn) => !first.jobArns.includes(arn))).toEqual([]);
    const jobs = await personalize.send(
      new ListDatasetImportJobsCommand({ datasetArn: datasetArns.interactions }),
    );
    expect(jobs.datasetImportJobs).toHaveLength(1);
    expect(first.targets).toEqual(first.jobArns.map((arn) => ({ kind: 'datasetImportJob', arn })));
    expect(later.jobArns).toEqual([]);
    expect(later.targets).toEqual([]);
    expect(later.imports.every((i) => i.skipped?.includes('is unchanged since import job'))).toBe(true);
  });

  test('imports tags each job with its data fingerprint, and skips identical data uploaded again', async () => {
    // Prepare: the same files again (new LastModified, same content)
    await uploadSampleData();
    const [jobArn] = (
      await personalize.send(new ListDatasetImportJobsCommand({ datasetArn: datasetArns.interactions }))
    ).datasetImportJobs?.map((j) => j.datasetImportJobArn) ?? [''];
    // Act
    const reuploaded = await h.imports({
      config: run.config,
      options: run.options,
      datasetArns,
      runId: '20990101000001',
    });
    // Assess
    const tags = await personalize.send(new ListTagsForResourceCommand({ resourceArn: jobArn }));
    expect(tags.tags).toEqual(
      expect.arrayContaining([
        { tagKey: 'team', tagValue: 'recs' },
        {
          tagKey: 'personalize-pipeline:data-fingerprint',
          tagValue: expect.stringMatching(/^[0-9a-f]{64}$/),
        },
      ]),
    );
    expect(reuploaded.jobArns).toEqual([]);
    expect(reuploaded.imports.every((i) => i.skipped?.includes('same fingerprint'))).toBe(true);
  });

  test('imports starts a job for a dataset whose content changed, tagged with the new fingerprint', async () => {
    // Prepare
    // Same rows plus a trailing empty line: different content (ETag and size) for S3.
    await putObjects({ 'datasets/items/items.csv': `${readRepoFile('sample-data/items.csv')}\n` });
    // Act
    const changed = await h.imports({
      config: run.config,
      options: run.options,
      datasetArns,
      runId: '20990101000002',
    });
    await pollUntilDone(
      h.poll,
      'imports',
      changed.jobArns.map((arn) => ({ kind: 'datasetImportJob' as const, arn })),
    );
    // Assess
    expect(changed.imports.find((i) => i.datasetType === 'interactions')?.skipped).toContain(
      'same fingerprint',
    );
    const itemsImport = changed.imports.find((i) => i.datasetType === 'items');
    expect(itemsImport?.jobArn).toBe(
      `arn:aws:personalize:us-east-1:123456789012:dataset-import-job/${PROJECT}-items-20990101000002`,
    );
    const tags = await personalize.send(new ListTagsForResourceCommand({ resourceArn: itemsImport?.jobArn }));
    const first = await personalize.send(
      new ListTagsForResourceCommand({
        resourceArn: `arn:aws:personalize:us-east-1:123456789012:dataset-import-job/${PROJECT}-items-${run.runId}`,
      }),
    );
    const fingerprintOf = (list: typeof tags.tags) =>
      list?.find((t) => t.tagKey === 'personalize-pipeline:data-fingerprint')?.tagValue;
    expect(fingerprintOf(tags.tags)).toMatch(/^[0-9a-f]{64}$/);
    expect(fingerprintOf(tags.tags)).not.toBe(fingerprintOf(first.tags));
  });

  test('filters creates each filter, and a changed expression replaces the old filter once the new one is ACTIVE', async () => {
    // Prepare
    const first = await h.filters({ config: run.config, datasetGroupArn });
    await pollUntilDone(
      h.poll,
      'filters',
      Object.values(first.filters).map((arn) => ({ kind: 'filter' as const, arn })),
    );
    const unchanged = await h.filters({ config: run.config, datasetGroupArn });
    const changedConfig = {
      ...run.config,
      filters: [
        {
          name: 'exclude-purchased',
          expression: 'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("purchase","cart")',
        },
      ],
    };
    // Act
    const replaced = await h.filters({ config: changedConfig, datasetGroupArn });
    await pollUntilDone(
      h.poll,
      'filters',
      Object.values(replaced.filters).map((arn) => ({ kind: 'filter' as const, arn })),
    );
    const cleaned = await h.filters({ config: changedConfig, datasetGroupArn });
    await pollUntilDone(
      h.poll,
      'filters',
      cleaned.deleted.map((arn) => ({ kind: 'deleted' as const, arn })),
    );
    const restored = await h.filters({ config: run.config, datasetGroupArn });
    await pollUntilDone(
      h.poll,
      'filters',
      Object.values(restored.filters).map((arn) => ({ kind: 'filter' as const, arn })),
    );
    const restoredClean = await h.filters({ config: run.config, datasetGroupArn });
    await pollUntilDone(
      h.poll,
      'filters',
      restoredClean.deleted.map((arn) => ({ kind: 'deleted' as const, arn })),
    );
    // Assess
    expect(first.created).toEqual([first.filters['exclude-purchased']]);
    expect(first.filters['exclude-purchased']).toMatch(
      new RegExp(`filter/${PROJECT}-exclude-purchased-[0-9a-f]{8}$`),
    );
    expect(withoutStart(unchanged)).toEqual({
      filters: first.filters,
      created: [],
      deleted: [],
      pendingDeletion: [],
      targets: first.targets,
    });
    expect(replaced.created).toEqual([replaced.filters['exclude-purchased']]);
    expect(replaced.pendingDeletion).toEqual([first.filters['exclude-purchased']]);
    expect(cleaned.deleted).toEqual([first.filters['exclude-purchased']]);
    expect(cleaned.targets).toContainEqual({ kind: 'deleted', arn: first.filters['exclude-purchased'] });
    expect(restoredClean.deleted).toEqual([replaced.filters['exclude-purchased']]);
    const remaining = await personalize.send(new ListFiltersCommand({ datasetGroupArn }));
    expect(remaining.Filters?.map((f) => f.filterArn)).toEqual([first.filters['exclude-purchased']]);
    filterArns = restored.filters;
  });

  test('solution creates the solution once and refuses to change an existing one', async () => {
    // Act
    const first = await h.solution({
      config: run.config,
      options: run.options,
      datasetGroupArn,
      solution: solutionDef(),
    });
    await pollUntilDone(h.poll, 'solution', [{ kind: 'solution', arn: first.solutionArn }]);
    const second = await h.solution({
      config: run.config,
      options: run.options,
      datasetGroupArn,
      solution: solutionDef(),
    });
    const conflict = await failure(
      h.solution({
        config: run.config,
        options: run.options,
        datasetGroupArn,
        solution: { ...solutionDef(), recipe: 'aws-trending-now' },
      }),
    );
    // Assess
    expect(withoutStart(first)).toEqual({
      solutionArn: `arn:aws:personalize:us-east-1:123456789012:solution/${PROJECT}-popular`,
      created: true,
      targets: [{ kind: 'solution', arn: first.solutionArn }],
    });
    expect(second).toEqual(expect.objectContaining({ solutionArn: first.solutionArn, created: false }));
    expect(conflict.name).toBe('ResourceConflict');
    expect(conflict.message).toContain(
      'recipe is arn:aws:personalize:::recipe/aws-popularity-count, config says arn:aws:personalize:::recipe/aws-trending-now',
    );
    expect(conflict.message).toContain('give solution "popular" a new name');
    solutionArn = first.solutionArn;
  });

  test('solution-version trains a first version and then keeps it while no new data arrives', async () => {
    // Act
    const first = await h.solutionVersion({
      config: run.config,
      options: run.options,
      solutionArn,
      solution: solutionDef(),
    });
    const rerun = await h.solutionVersion({
      config: run.config,
      options: run.options,
      solutionArn,
      solution: solutionDef(),
    });
    await pollUntilDone(h.poll, 'training', [{ kind: 'solutionVersion', arn: first.solutionVersionArn }]);
    const later = await h.solutionVersion({
      config: run.config,
      options: run.options,
      solutionArn,
      solution: solutionDef(),
    });
    // Assess
    expect(first).toEqual(
      expect.objectContaining({
        trained: true,
        trainingMode: 'FULL',
        reason: 'the solution has no ACTIVE version',
      }),
    );
    expect(rerun.solutionVersionArn === first.solutionVersionArn).toBe(true);
    expect(withoutStart(later)).toEqual({
      solutionVersionArn: first.solutionVersionArn,
      trained: false,
      reason: `no new data since version ${first.solutionVersionArn}`,
      targets: [{ kind: 'solutionVersion', arn: first.solutionVersionArn }],
    });
    solutionVersionArn = first.solutionVersionArn;
  });

  test('evaluate passes a first version with its offline metrics', async () => {
    evaluation = await h.evaluate({
      config: run.config,
      solution: solutionDef(),
      solutionVersionArn,
      campaignName: `${PROJECT}-popular`,
    });
    expect(evaluation.passed).toBe(true);
    expect(evaluation.metric).toBe('coverage');
    expect(evaluation.value).toBe(evaluation.metrics.coverage);
    expect(evaluation.baseline).toBeUndefined();
  });

  test('campaign creates the campaign, then leaves it unchanged, and evaluate then reports it already serving', async () => {
    // Act
    campaign = await h.campaign({ config: run.config, solution: solutionDef(), solutionVersionArn });
    await pollUntilDone(h.poll, 'campaign', [{ kind: 'campaign', arn: campaign.campaignArn }]);
    const again = await h.campaign({ config: run.config, solution: solutionDef(), solutionVersionArn });
    const gate = await h.evaluate({
      config: run.config,
      solution: solutionDef(),
      solutionVersionArn,
      campaignName: `${PROJECT}-popular`,
    });
    // Assess
    expect(withoutStart(campaign)).toEqual({
      campaignArn: `arn:aws:personalize:us-east-1:123456789012:campaign/${PROJECT}-popular`,
      action: 'created',
      targets: [{ kind: 'campaign', arn: campaign.campaignArn }],
    });
    expect(again).toEqual(
      expect.objectContaining({ campaignArn: campaign.campaignArn, action: 'unchanged' }),
    );
    expect(gate.passed).toBe(true);
    expect(gate.reason).toContain('already serves');
  });

  test('a forced run trains a new version, gates it against the live one and updates the campaign, keeping the previous version', async () => {
    // Prepare
    const options = { ...run.options, force: true };
    // Act
    const version = await h.solutionVersion({
      config: run.config,
      options,
      solutionArn,
      solution: solutionDef(),
    });
    await pollUntilDone(h.poll, 'training', [{ kind: 'solutionVersion', arn: version.solutionVersionArn }]);
    const gate = await h.evaluate({
      config: run.config,
      solution: solutionDef(),
      solutionVersionArn: version.solutionVersionArn,
      campaignName: `${PROJECT}-popular`,
    });
    const updated = await h.campaign({
      config: run.config,
      solution: solutionDef(),
      solutionVersionArn: version.solutionVersionArn,
    });
    await pollUntilDone(h.poll, 'campaign', [{ kind: 'campaign', arn: updated.campaignArn }]);
    // Assess
    expect(version.trained).toBe(true);
    expect(version.solutionVersionArn).not.toBe(solutionVersionArn);
    expect(gate.passed).toBe(true);
    expect(gate.baseline?.solutionVersionArn).toBe(solutionVersionArn);
    expect(updated).toEqual(
      expect.objectContaining({
        campaignArn: campaign.campaignArn,
        action: 'updated',
        previousSolutionVersionArn: solutionVersionArn,
      }),
    );
    const described = await personalize.send(
      new DescribeCampaignCommand({ campaignArn: campaign.campaignArn }),
    );
    expect(described.campaign?.solutionVersionArn).toBe(version.solutionVersionArn);
    solutionVersionArn = version.solutionVersionArn;
    evaluation = gate;
  });

  test('poll raises ResourceFailed with the failure reason verbatim', async () => {
    // Prepare
    const reason = 'Create failed. Dataset has fewer than 25 users with at least 2 interactions each.';
    local.emulator.faults.add([{ operation: 'CreateSolutionVersion', failResource: reason, count: 1 }]);
    const version = await h.solutionVersion({
      config: run.config,
      options: { ...run.options, force: true },
      solutionArn,
      solution: solutionDef(),
    });
    // Act
    const error = await failure(
      pollUntilDone(h.poll, 'training', [{ kind: 'solutionVersion', arn: version.solutionVersionArn }]),
    );
    // Assess
    expect(error.name).toBe('ResourceFailed');
    expect(error.message).toBe(`${version.solutionVersionArn} is CREATE FAILED: ${reason}`);
  });

  test('poll publishes a Pipeline Stage Completed event for a finished stage, and a Pipeline Stage Failed event before it raises', async () => {
    // Prepare
    const drain = await captureEvents('stage-events', {
      source: ['personalize-pipeline'],
      'detail-type': ['Pipeline Stage Completed', 'Pipeline Stage Failed'],
    });
    const reason = 'Create failed. Dataset has fewer than 25 users with at least 2 interactions each.';
    local.emulator.faults.add([{ operation: 'CreateSolutionVersion', failResource: reason, count: 1 }]);
    const failing = await h.solutionVersion({
      config: run.config,
      options: { ...run.options, force: true },
      solutionArn,
      solution: solutionDef(),
    });
    // Act
    const done = await pollUntilDone(h.poll, 'Campaign', [{ kind: 'campaign', arn: campaign.campaignArn }]);
    const error = await failure(
      pollUntilDone(h.poll, 'Training', [{ kind: 'solutionVersion', arn: failing.solutionVersionArn }]),
    );
    await pollUntilDone(h.poll, 'BatchJob', []);
    // Assess
    const events = await drain();
    expect(events.map((e) => [e.source, e['detail-type'], e.detail.stage])).toEqual([
      ['personalize-pipeline', 'Pipeline Stage Completed', 'Campaign'],
      ['personalize-pipeline', 'Pipeline Stage Failed', 'Training'],
    ]);
    expect(events[0]?.detail).toEqual({
      project: PROJECT,
      stage: 'Campaign',
      elapsedSeconds: done.elapsedSeconds,
      resources: [{ arn: campaign.campaignArn, status: 'ACTIVE' }],
    });
    expect(events[1]?.detail).toEqual({
      project: PROJECT,
      stage: 'Training',
      elapsedSeconds: expect.any(Number),
      resources: [{ arn: failing.solutionVersionArn, status: 'CREATE FAILED' }],
      error: 'ResourceFailed',
      cause: error.message,
    });
  });

  test('event-tracker creates the tracker once and stores its tracking id in SSM', async () => {
    // Act
    tracker = await h.eventTracker({ config: run.config, datasetGroupArn });
    const again = await h.eventTracker({ config: run.config, datasetGroupArn });
    await pollUntilDone(h.poll, 'eventTracker', [{ kind: 'eventTracker', arn: tracker.eventTrackerArn }]);
    // Assess
    expect(tracker.eventTrackerArn).toBe(
      `arn:aws:personalize:us-east-1:123456789012:event-tracker/${PROJECT}-tracker`,
    );
    expect(tracker.trackingId).not.toBe('');
    expect(withoutStart(again)).toEqual(withoutStart(tracker));
    const parameter = await ssm.send(new GetParameterCommand({ Name: `${PARAMETER_PREFIX}/event-tracker` }));
    expect(JSON.parse(parameter.Parameter?.Value ?? '{}')).toEqual({
      eventTrackerArn: tracker.eventTrackerArn,
      trackingId: tracker.trackingId,
    });
  });

  test('batch-job starts a batch inference job reading the job input folder and writing per run', async () => {
    // Prepare
    await putObjects({
      'batch/nightly/input/users.jsonl': '{"userId":"user-0001"}\n{"userId":"user-0002"}\n',
    });
    const job = run.config.batchJobs[0];
    if (!job) throw new Error('the config has a batch job');
    const event = {
      config: run.config,
      job,
      options: run.options,
      solutionResults: [{ name: 'popular', status: 'DEPLOYED' as const, solutionVersionArn, trained: false }],
      solutionVersionArn,
      runId: run.runId,
    };
    // Act
    const started = startedJob(await h.batchJob(event));
    const again = startedJob(await h.batchJob(event));
    await pollUntilDone(h.poll, 'batch', [{ kind: started.kind, arn: started.jobArn }]);
    // Assess
    expect(withoutStart(started)).toEqual({
      kind: 'batchInferenceJob',
      jobArn: `arn:aws:personalize:us-east-1:123456789012:batch-inference-job/${PROJECT}-nightly-${run.runId}`,
      reason: 'the job has never run (or only failed) before',
      targets: [{ kind: 'batchInferenceJob', arn: started.jobArn }],
    });
    expect(withoutStart(again)).toEqual(withoutStart({ ...started, reason: 'already started by this run' }));
    const described = await personalize.send(
      new DescribeBatchInferenceJobCommand({ batchInferenceJobArn: started.jobArn }),
    );
    expect(described.batchInferenceJob).toEqual(
      expect.objectContaining({
        status: 'ACTIVE',
        filterArn: filterArns['exclude-purchased'],
        numResults: 5,
        roleArn: ROLE_ARN,
        jobInput: {
          s3DataSource: { path: 's3://pipeline-data/batch/nightly/input/', kmsKeyArn: KMS_KEY_ARN },
        },
        jobOutput: {
          s3DataDestination: {
            path: `s3://pipeline-data/batch/nightly/output/${run.runId}/`,
            kmsKeyArn: KMS_KEY_ARN,
          },
        },
      }),
    );
  });

  test('batch-job skips a job that ran before when its solution got no new version, with nothing to wait for', async () => {
    // Prepare
    const job = run.config.batchJobs[0];
    if (!job) throw new Error('the config has a batch job');
    // Act
    const result = await h.batchJob({
      config: run.config,
      job,
      options: run.options,
      solutionResults: [{ name: 'popular', status: 'DEPLOYED', solutionVersionArn, trained: false }],
      runId: '20990101000000',
    });
    // Assess
    expect(withoutStart(result)).toEqual({
      skipped: `solution "popular" got no new version in this run; last job ${PROJECT}-nightly-${run.runId}`,
      targets: [],
    });
    expect(await pollUntilDone(h.poll, 'batch', result.targets)).toEqual(
      expect.objectContaining({ done: true, statuses: [] }),
    );
  });

  test('batch-job started by a schedule, without a version, runs on the newest ACTIVE version of its solution', async () => {
    // Prepare
    const job = run.config.batchJobs[0];
    if (!job) throw new Error('the config has a batch job');
    // Act
    const started = startedJob(
      await h.batchJob({
        config: run.config,
        job,
        options: { ...run.options, solutions: [], batchJobs: ['nightly'] },
        solutionResults: [{ name: 'popular', status: 'SKIPPED' }],
        runId: '20990101000001',
      }),
    );
    // Assess
    expect(started.reason).toBe('requested by the run input (batchJobs)');
    const described = await personalize.send(
      new DescribeBatchInferenceJobCommand({ batchInferenceJobArn: started.jobArn }),
    );
    expect(described.batchInferenceJob?.solutionVersionArn).toBe(solutionVersionArn);
    await pollUntilDone(h.poll, 'batch', started.targets);
  });

  test('batch-job runs when its solution got a new version in this run, on that version', async () => {
    // Prepare
    const job = run.config.batchJobs[0];
    if (!job) throw new Error('the config has a batch job');
    // Act
    const started = startedJob(
      await h.batchJob({
        config: run.config,
        job,
        options: run.options,
        solutionResults: [{ name: 'popular', status: 'DEPLOYED', solutionVersionArn, trained: true }],
        runId: '20990101000002',
      }),
    );
    await pollUntilDone(h.poll, 'batch', started.targets);
    // Assess
    expect(started.reason).toBe(`solution "popular" got a new version in this run (${solutionVersionArn})`);
    const described = await personalize.send(
      new DescribeBatchInferenceJobCommand({ batchInferenceJobArn: started.jobArn }),
    );
    expect(described.batchInferenceJob?.solutionVersionArn).toBe(solutionVersionArn);
  });

  test('summary publishes metrics, notifies and writes the serving parameter', async () => {
    // Act
    const result = await h.summary({
      ...run,
      results: {
        solutions: [
          {
            name: 'popular',
            status: 'DEPLOYED',
            solutionVersionArn,
            trained: true,
            gate: evaluation,
            campaign,
          },
        ],
        filters: {
          filters: filterArns,
          created: [],
          deleted: [],
          pendingDeletion: [],
          targets: [],
          startedAt: 0,
        },
        eventTracker: tracker,
        batchJobs: [
          {
            name: 'nightly',
            status: 'COMPLETED',
            jobArn: 'arn:aws:personalize:us-east-1:123456789012:batch-inference-job/x',
          },
        ],
      },
    });
    // Assess
    expect(result.status).toBe('SUCCEEDED');
    expect(result.summary).toContain(
      `Personalize pipeline run ${run.runId} of project ${PROJECT}: SUCCEEDED`,
    );
    expect(result.summary).toContain(`- popular: trained version ${solutionVersionArn}; quality gate passed`);
    expect(result.summary).toContain(
      '- nightly: arn:aws:personalize:us-east-1:123456789012:batch-inference-job/x',
    );
    const serving = await ssm.send(new GetParameterCommand({ Name: `${PARAMETER_PREFIX}/serving` }));
    expect(JSON.parse(serving.Parameter?.Value ?? '{}')).toEqual({
      campaigns: { popular: campaign.campaignArn },
      filters: filterArns,
      recipes: { popular: 'aws-popularity-count' },
    });
    const cloudWatch = new CloudWatchClient({ region: 'us-east-1', maxAttempts: 1 });
    const metrics = await cloudWatch.send(
      new ListMetricsCommand({ Namespace: 'PersonalizePipeline', MetricName: 'coverage' }),
    );
    cloudWatch.destroy();
    expect(metrics.Metrics?.[0]?.Dimensions).toEqual(
      expect.arrayContaining([
        { Name: 'Project', Value: PROJECT },
        { Name: 'Solution', Value: 'popular' },
      ]),
    );
  });

  test('summary reports a partial run when a solution failed, and keeps serving its existing campaign', async () => {
    const cause = JSON.stringify({ errorType: 'ResourceFailed', errorMessage: 'training failed' });
    const result = await h.summary({
      ...run,
      results: {
        solutions: [{ name: 'popular', status: 'FAILED', error: 'ResourceFailed', cause }],
        eventTracker: {},
      },
    });
    expect(result.status).toBe('PARTIAL');
    expect(result.summary).toContain('- popular: FAILED (ResourceFailed) training failed');
    const serving = await ssm.send(new GetParameterCommand({ Name: `${PARAMETER_PREFIX}/serving` }));
    expect(JSON.parse(serving.Parameter?.Value ?? '{}').campaigns).toEqual({ popular: campaign.campaignArn });
  });

  test('notify-failure publishes and returns the cause verbatim', async () => {
    const cause = '{"errorType":"ValidationFailed","errorMessage":"Validation failed with 1 problem"}';
    const result = await h.notifyFailure({ runId: run.runId, Error: 'ValidationFailed', Cause: cause });
    expect(result).toEqual({ runId: run.runId, error: 'ValidationFailed', cause });
  });

  test('dataset-group creates a new schema generation when a schema changes, datasets moves the dataset onto it, and refuses to move it back', async () => {
    // Prepare
    const itemsSchema = JSON.parse(run.config.datasets.items?.schema ?? '{}') as { fields: object[] };
    itemsSchema.fields.push({ name: 'COLOUR', type: ['null', 'string'], categorical: true });
    const original = run.config.datasets.items;
    if (original === undefined) throw new Error('the config has an items dataset');
    const items = { ...original, schema: JSON.stringify(itemsSchema) };
    const changed = { ...run, config: { ...run.config, datasets: { ...run.config.datasets, items } } };
    // Act
    const regrouped = await h.datasetGroup(changed);
    const moved = await h.datasets({
      config: changed.config,
      datasetGroupArn,
      schemaArns: regrouped.schemaArns,
    });
    await pollUntilDone(h.poll, 'datasets', [{ kind: 'dataset', arn: datasetArns.items ?? '' }]);
    const again = await h.datasetGroup(changed);
    const movedAgain = await h.datasets({
      config: changed.config,
      datasetGroupArn,
      schemaArns: again.schemaArns,
    });
    const backwards = await failure(h.datasets({ config: run.config, datasetGroupArn, schemaArns }));
    // Assess
    expect(regrouped.schemaArns.items).toBe(
      `arn:aws:personalize:us-east-1:123456789012:schema/${PROJECT}-items-v2`,
    );
    expect(regrouped.schemaArns.interactions).toBe(schemaArns.interactions);
    expect(regrouped.created).toEqual([regrouped.schemaArns.items]);
    expect(moved.created).toEqual([datasetArns.items]);
    expect(withoutStart(again)).toEqual(withoutStart({ ...regrouped, created: [] }));
    expect(movedAgain.created).toEqual([]);
    expect(backwards.name).toBe('ResourceConflict');
    expect(backwards.message).toContain(
      `Dataset ${datasetArns.items} cannot move from schema ${regrouped.schemaArns.items} to ${schemaArns.items}`,
    );
    expect(backwards.message).toContain('removes field COLOUR');
  });

  test('teardown dry run lists everything in deletion order without deleting anything', async () => {
    // Act
    const result = await h.teardown({ projectName: PROJECT, dryRun: true });
    // Assess
    expect(result.done).toBe(true);
    const order = result.wouldDelete ?? [];
    expect(order[0]).toBe(campaign.campaignArn);
    expect(order).toEqual(
      expect.arrayContaining([
        tracker.eventTrackerArn,
        solutionArn,
        datasetGroupArn,
        `${PARAMETER_PREFIX}/serving`,
      ]),
    );
    expect(order.indexOf(solutionArn)).toBeLessThan(order.indexOf(datasetGroupArn));
    expect(order.indexOf(datasetGroupArn)).toBeLessThan(order.indexOf(schemaArns.interactions ?? ''));
    const still = await personalize.send(new DescribeCampaignCommand({ campaignArn: campaign.campaignArn }));
    expect(still.campaign?.status).toBe('ACTIVE');
  });

  test('teardown converges to nothing left, and calling it again does nothing', async () => {
    // Act
    const phases: string[] = [];
    let result = await h.teardown({ projectName: PROJECT, dryRun: false });
    for (let call = 0; !result.done && call < 2_000; call += 1) {
      if (result.phase && !phases.includes(result.phase)) phases.push(result.phase);
      await new Promise((resolve) => setTimeout(resolve, 25));
      result = await h.teardown({ projectName: PROJECT, dryRun: false });
    }
    const after = await h.teardown({ projectName: PROJECT, dryRun: false });
    // Assess
    expect(result.done).toBe(true);
    expect(phases).toEqual(
      [
        'campaigns',
        'eventTrackers',
        'filters',
        'solutions',
        'datasets',
        'datasetGroup',
        'schemas',
        'parameters',
      ].filter((p) => phases.includes(p)),
    );
    expect(phases[0]).toBe('campaigns');
    expect(after).toEqual({ done: true, waitSeconds: 0, deleting: [], remaining: {} });
    const gone = await failure(personalize.send(new DescribeDatasetGroupCommand({ datasetGroupArn })));
    expect(gone.name).toBe('ResourceNotFoundException');
    const schemas = await personalize.send(new ListSchemasCommand({}));
    expect(schemas.schemas?.filter((s) => s.name?.startsWith(`${PROJECT}-`))).toEqual([]);
    const parameter = await failure(
      ssm.send(new GetParameterCommand({ Name: `${PARAMETER_PREFIX}/serving` })),
    );
    expect(parameter.name).toBe('ParameterNotFound');
  });
});
