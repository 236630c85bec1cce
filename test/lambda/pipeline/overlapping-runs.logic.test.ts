/**
 * Two runs whose steps overlap, against an emulator with non-zero lifecycle delays: the training, campaign and
 * batch steps of a `{}` run started while a forced retrain trains share that run's work instead of failing or
 * doing it twice, and two runs that decide to train at the same moment train one version.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeCampaignCommand,
  DescribeSolutionVersionCommand,
  ListBatchInferenceJobsCommand,
  ListSolutionVersionsCommand,
} from '@aws-sdk/client-personalize';
import type {
  BatchJobDefinition,
  ResolvedConfig,
  RunOptions,
  SolutionDefinition,
} from '../../../core/pipeline-contract';
import { runBatchJob } from '../../../lambda/pipeline/batch-job.logic';
import { deployCampaign } from '../../../lambda/pipeline/campaign.logic';
import { trainIfNeeded } from '../../../lambda/pipeline/solution-version.logic';
import { startEmulator } from '../../../local/emulator';
import {
  clientsFor,
  setUpDatasetGroup,
  SMALL_INTERACTIONS_SCHEMA,
  syntheticInteractions,
  TERMINAL,
  trainSolution,
  waitFor,
  type Clients,
} from '../../emulator/helpers';
import { BUCKET, KMS_KEY_ARN, once, putObjects, ROLE_ARN } from '../helpers';

const PROJECT = 'overlap';
const SCOPE = { partition: 'aws', region: 'us-east-1', account: '123456789012' };

/** Emulator delays close to the emulator's defaults: long enough for the steps of two runs to overlap. */
const overlapEmulator = once(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'overlapping-runs-'));
  const emulator = await startEmulator({
    port: 0,
    dataDir,
    synchronous: 'NORMAL',
    delays: {
      default: { pendingMs: 0, inProgressMs: 0 },
      solutionVersion: { pendingMs: 300, inProgressMs: 1_200 },
      campaign: { pendingMs: 300, inProgressMs: 800 },
      campaignUpdate: { pendingMs: 300, inProgressMs: 800 },
      batchInferenceJob: { pendingMs: 300, inProgressMs: 800 },
    },
  });
  const clients = clientsFor(emulator.endpoint);
  return {
    clients,
    async close() {
      clients.control.destroy();
      clients.runtime.destroy();
      clients.events.destroy();
      await emulator.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
});

afterAll(async () => {
  await overlapEmulator.ifStarted((fixture) => fixture.close());
});

const solution = {
  name: 'popular',
  recipe: 'aws-popularity-count',
  trainingMode: 'FULL',
  campaign: { minProvisionedTPS: 1 },
} as SolutionDefinition;
const batchJob = { name: 'nightly', type: 'inference', solution: 'popular' } as BatchJobDefinition;
const config = {
  projectName: PROJECT,
  tags: {},
  filters: [],
  batchJobs: [batchJob],
} as unknown as ResolvedConfig;
const forced: RunOptions = { force: true, solutions: ['popular'], batchJobs: [] };
const plain: RunOptions = { force: false, solutions: ['popular'], batchJobs: [] };

/** A solution with a first version ACTIVE and deployed to its campaign, as an earlier run leaves it. */
async function deployedSolution(clients: Clients, name: string): Promise<{ solutionArn: string }> {
  await putObjects({
    [`${name}/interactions.csv`]: syntheticInteractions(),
    'batch/nightly/input/users.jsonl': '{"userId":"u1"}\n{"userId":"u2"}\n',
  });
  const group = await setUpDatasetGroup(clients, name, {
    interactions: {
      schema: SMALL_INTERACTIONS_SCHEMA,
      location: `s3://${BUCKET}/${name}/interactions.csv`,
    },
  });
  const first = await trainSolution(
    clients,
    `${name}-popular`,
    group.datasetGroupArn,
    'aws-popularity-count',
  );
  const project = { ...config, projectName: name } as ResolvedConfig;
  const { campaignArn } = await deployCampaign(
    { config: project, solution, solutionVersionArn: first.solutionVersionArn },
    { personalize: clients.control },
  );
  await campaignSettled(clients, campaignArn);
  return { solutionArn: first.solutionArn };
}

async function campaignSettled(clients: Clients, campaignArn: string) {
  return waitFor(
    () => clients.control.send(new DescribeCampaignCommand({ campaignArn })),
    (r) =>
      r.campaign?.status === 'ACTIVE' &&
      !['CREATE PENDING', 'CREATE IN_PROGRESS'].includes(r.campaign.latestCampaignUpdate?.status ?? ''),
  );
}

describe('a {} run started while a forced retrain trains', () => {
  test('shares the training, waits for the same campaign update, and skips the batch job the other run started', async () => {
    // Prepare
    const { clients } = await overlapEmulator();
    await deployedSolution(clients, PROJECT);
    const personalize = clients.control;
    const solutionArn = `arn:aws:personalize:us-east-1:123456789012:solution/${PROJECT}-popular`;
    const batchDeps = {
      personalize,
      scope: SCOPE,
      bucket: BUCKET,
      kmsKeyArn: KMS_KEY_ARN,
      personalizeRoleArn: ROLE_ARN,
    };
    const versionEvent = { config, solutionArn, solution };

    // Act: the forced run starts training, then the {} run starts
    const trainedA = await trainIfNeeded({ ...versionEvent, options: forced }, { personalize });
    const trainedB = await trainIfNeeded({ ...versionEvent, options: plain }, { personalize });
    await waitFor(
      () =>
        personalize.send(
          new DescribeSolutionVersionCommand({ solutionVersionArn: trainedA.solutionVersionArn }),
        ),
      (r) => TERMINAL.has(r.solutionVersion?.status ?? ''),
    );
    const deployEvent = { config, solution, solutionVersionArn: trainedA.solutionVersionArn };
    const [deployA, deployB] = await Promise.all([
      deployCampaign(deployEvent, { personalize }),
      deployCampaign(deployEvent, { personalize }),
    ]);
    const results = [{ name: 'popular', status: 'DEPLOYED' as const, trained: true, ...deployEvent }];
    const batchA = await runBatchJob(
      { config, job: batchJob, options: forced, solutionResults: results, runId: '26120500000001' },
      batchDeps,
    );
    const batchB = await runBatchJob(
      { config, job: batchJob, options: plain, solutionResults: results, runId: '26120500000002' },
      batchDeps,
    );
    const served = await campaignSettled(clients, deployA.campaignArn);

    // Assess
    expect(trainedB).toEqual(
      expect.objectContaining({ solutionVersionArn: trainedA.solutionVersionArn, trained: true }),
    );
    expect([deployA.action, deployB.action].sort()).toEqual(['unchanged', 'updated']);
    expect(served.campaign?.solutionVersionArn).toBe(trainedA.solutionVersionArn);
    expect('jobArn' in batchA).toBe(true);
    // The other run's job is still running or done by now, depending on the machine's speed.
    expect('skipped' in batchB ? batchB.skipped : 'started').toContain(
      `a job for version ${trainedA.solutionVersionArn} with the same filter and input already exists: ${PROJECT}-nightly-26120500000001 (`,
    );
    const versions = await personalize.send(new ListSolutionVersionsCommand({ solutionArn }));
    expect(versions.solutionVersions).toHaveLength(2);
    const jobs = await personalize.send(
      new ListBatchInferenceJobsCommand({ solutionVersionArn: trainedA.solutionVersionArn }),
    );
    expect(jobs.batchInferenceJobs?.map((j) => j.jobName)).toEqual([`${PROJECT}-nightly-26120500000001`]);
  });
});

describe('two forced runs deciding to train at the same moment', () => {
  test("train one version: the run whose CreateSolutionVersion is refused trains the other run's", async () => {
    // Prepare
    const { clients } = await overlapEmulator();
    const name = `${PROJECT}-twice`;
    const { solutionArn } = await deployedSolution(clients, name);
    const personalize = clients.control;
    const event = {
      config: { ...config, projectName: name } as ResolvedConfig,
      options: forced,
      solutionArn,
      solution,
    };

    // Act
    const [a, b] = await Promise.all([
      trainIfNeeded(event, { personalize }),
      trainIfNeeded(event, { personalize }),
    ]);

    // Assess
    expect(a.solutionVersionArn).toBe(b.solutionVersionArn);
    expect([a.trained, b.trained]).toEqual([true, true]);
    const versions = await personalize.send(new ListSolutionVersionsCommand({ solutionArn }));
    expect(versions.solutionVersions).toHaveLength(2);
  });
});
