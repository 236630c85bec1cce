/**
 * Runs that overlap, on the synthesized state machine with the real handlers against moto and the emulator
 * with its normal (non-zero) lifecycle delays: one run at a time per project. Under `runs.overlap: "queue"`
 * a run started together with another, or during a forced retraining, waits for it and then creates nothing
 * new; under `"reject"` it fails at its first state naming the other; either way the resources are those of
 * one run. The lease is released after a failed run and after an aborted one, and two executions started
 * together get different run ids.
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { ListBatchInferenceJobsCommand, PersonalizeClient } from '@aws-sdk/client-personalize';
import { loadConfig, type PipelineConfig } from '../../core/config';
import type { ExecutionStatusChange, LeaseEvent, LeaseResult } from '../../core/pipeline-contract';
import { startLocalAws, type LocalAws } from '../../local/harness/local-aws';
import { LocalPipeline } from '../../local/harness/pipeline';
import { provisionLocalProject } from '../../local/harness/project';
import type { RunOutcome } from '../../local/harness/runner';
import { once } from '../setup/shared-fixture';
import { resourceCounts } from './helpers';

/** Each test's guard against a hang; a test takes well under a minute on an idle machine. */
const TEST_TIMEOUT_MS = 5 * 60_000;

/** How long a local run's Wait states pause while it polls the emulator's (non-zero) lifecycle. */
const POLL_WAIT_MS = 100;

const EXECUTION_ARN = 'arn:aws:states:us-east-1:123456789012:execution:local:';

interface World {
  readonly local: LocalAws;
  readonly config: PipelineConfig;
  readonly queue: LocalPipeline;
  readonly reject: LocalPipeline;
  readonly personalize: PersonalizeClient;
  readonly dynamodb: DynamoDBClient;
  stop(): Promise<void>;
}

/** The sample data with the interactions cut to their first 10,000 rows (as the other end-to-end tests). */
function sampleData(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sample-data-'));
  for (const file of ['users.csv', 'items.csv'])
    copyFileSync(path.join('sample-data', file), path.join(dir, file));
  const rows = readFileSync(path.join('sample-data', 'interactions.csv'), 'utf8').split('\n');
  writeFileSync(path.join(dir, 'interactions.csv'), `${rows.slice(0, 10_001).join('\n')}\n`);
  return dir;
}

/** moto + an emulator with its normal delays + the sample project, deployed with each overlap policy. */
const world = once(async (): Promise<World> => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'overlap-'));
  const local = await startLocalAws({ motoEndpoint: process.env.MOTO_ENDPOINT, emulator: { dataDir } });
  const sampleDir = sampleData();
  const config = loadConfig('personalize.config.json');
  const project = await provisionLocalProject(config, sampleDir);
  const reject = new LocalPipeline({ ...config, runs: { overlap: 'reject' } }, project);
  const queue = new LocalPipeline({ ...config, runs: { overlap: 'queue' } }, project);
  const personalize = new PersonalizeClient({});
  const dynamodb = new DynamoDBClient({});
  return {
    local,
    config,
    queue,
    reject,
    personalize,
    dynamodb,
    async stop() {
      personalize.destroy();
      dynamodb.destroy();
      await local.stop();
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(sampleDir, { recursive: true, force: true });
    },
  };
});

afterAll(async () => {
  await world.ifStarted((w) => w.stop());
}, TEST_TIMEOUT_MS);

interface Resources {
  readonly importJobs: number;
  readonly solutionVersions: number;
  readonly campaigns: number;
  readonly batchJobs: number;
}

/** The resources one run of the sample config leaves: an import job per dataset, a version and campaign per solution, a job per batch job. */
function oneRunsResources(config: PipelineConfig): Resources {
  return {
    importJobs: Object.values(config.datasets).filter(Boolean).length,
    solutionVersions: config.solutions.length,
    campaigns: config.solutions.filter((s) => s.campaign !== undefined).length,
    batchJobs: config.batchJobs.length,
  };
}

/** Starts the test from no Personalize resource at all (the emulator's state wiped, once it is idle). */
async function noResources(w: World): Promise<void> {
  await w.local.emulator.settle();
  const reset = await fetch(`${w.local.emulator.endpoint}/_emulator/reset`, { method: 'POST' });
  if (!reset.ok) throw new Error(`The emulator refused to reset: HTTP ${reset.status}`);
}

/** Import jobs, solution versions, campaigns and batch jobs that exist now. */
async function resources(w: World): Promise<Resources> {
  const counts = await resourceCounts(w.personalize);
  const batch = await w.personalize.send(new ListBatchInferenceJobsCommand({}));
  return {
    importJobs: counts.importJobs ?? 0,
    solutionVersions: counts.solutionVersions ?? 0,
    campaigns: counts.campaigns ?? 0,
    batchJobs: (batch.batchInferenceJobs ?? []).length,
  };
}

/** The execution holding the project's lease, if any. */
async function leaseHolder(w: World): Promise<string | undefined> {
  const item = await w.dynamodb.send(
    new GetItemCommand({
      TableName: w.queue.leaseTableName,
      Key: { project: { S: w.config.projectName } },
      ConsistentRead: true,
    }),
  );
  return item.Item?.holder?.S;
}

/** A run's summary text, or a failure that says why it did not succeed. */
function summaryOf(outcome: RunOutcome): string {
  if (outcome.status !== 'SUCCEEDED') throw new Error(`The run failed: ${outcome.error}: ${outcome.cause}`);
  return (outcome.output as { summary: string }).summary;
}

/** The run id a summary names in its first line. */
function runIdOf(summary: string): string | undefined {
  return /^Personalize pipeline run (\d+) /.exec(summary)?.[1];
}

/**
 * A run under "reject" with input that validation refuses: it fails with RunInProgress while another
 * execution holds the lease, else (having taken the lease, which comes first) with ValidationFailed.
 */
const probe = (w: World, name: string) =>
  w.reject.run({ solutions: ['no-such-solution'] }, { executionName: name });

/** A forced retraining (`{ force: true }`) started now, and when it holds the lease (it has entered Validate). */
function forcedRetraining(pipeline: LocalPipeline, name: string) {
  let taken: () => void = () => undefined;
  const holdsTheLease = new Promise<void>((resolve) => (taken = resolve));
  const retraining = pipeline.run(
    { force: true },
    {
      executionName: name,
      waitMs: POLL_WAIT_MS,
      onProgress: (event) => {
        if (event.type === 'StateEntered' && event.state === 'Validate') taken();
      },
    },
  );
  return { retraining, holdsTheLease };
}

/** The states an execution entered, in order. */
const statesEntered = (outcome: RunOutcome) =>
  outcome.events.filter((e) => e.type === 'StateEntered').map((e) => e.state);

describe('overlapping runs', () => {
  test(
    'under "queue", of two runs started together the second waits for the first, then creates nothing new, and each has its own run id',
    async () => {
      // Prepare
      const w = await world();
      await noResources(w);
      const options = (name: string) => ({ executionName: name, waitMs: POLL_WAIT_MS });

      // Act
      const outcomes = await Promise.all([
        w.queue.run({}, options('queue-one')),
        w.queue.run({}, options('queue-two')),
      ]);

      // Assess
      const summaries = outcomes.map(summaryOf);
      const queued = summaries.filter((s) => s.includes('Queued: started while execution'));
      expect(queued).toHaveLength(1);
      expect(queued[0]).toMatch(
        new RegExp(
          `Queued: started while execution ${EXECUTION_ARN}queue-(one|two) was running \\(runs.overlap: queue\\)`,
        ),
      );
      expect(await resources(w)).toEqual(oneRunsResources(w.config));
      const runIds = summaries.map(runIdOf);
      expect(runIds.every((id) => id !== undefined && id.length === 14)).toBe(true);
      expect(new Set(runIds).size).toBe(2);
      expect(await leaseHolder(w)).toBeUndefined();
    },
    TEST_TIMEOUT_MS,
  );

  test(
    'under "queue", a run started during a forced retraining waits for it and then creates nothing new',
    async () => {
      // Prepare
      const w = await world();
      await noResources(w);
      const { retraining, holdsTheLease } = forcedRetraining(w.queue, 'forced-retraining');

      // Act
      await holdsTheLease;
      const [retrained, during] = await Promise.all([
        retraining,
        w.queue.run({}, { executionName: 'during-retraining', waitMs: POLL_WAIT_MS }),
      ]);

      // Assess
      summaryOf(retrained);
      expect(summaryOf(during)).toContain(
        `Queued: started while execution ${EXECUTION_ARN}forced-retraining was running`,
      );
      expect(await resources(w)).toEqual(oneRunsResources(w.config));
    },
    TEST_TIMEOUT_MS,
  );

  test(
    'under "reject", of two runs started together one fails at its first state naming the other, and the resources are those of one run',
    async () => {
      // Prepare
      const w = await world();
      await noResources(w);
      const options = (name: string) => ({ executionName: name, waitMs: POLL_WAIT_MS });

      // Act
      const outcomes = await Promise.all([
        w.reject.run({}, options('reject-one')),
        w.reject.run({}, options('reject-two')),
      ]);

      // Assess
      const ran = outcomes.findIndex((o) => o.status === 'SUCCEEDED');
      const rejected = outcomes[1 - ran];
      expect(ran).toBeGreaterThanOrEqual(0);
      expect(rejected).toMatchObject({ status: 'FAILED', error: 'RunInProgress' });
      expect(rejected?.status === 'FAILED' && rejected.cause).toContain(
        `Execution ${EXECUTION_ARN}reject-${ran === 0 ? 'one' : 'two'} of project ${w.config.projectName} is running, and runs.overlap is "reject"`,
      );
      // The Pass that adds the deployed config changes nothing; the lease is the first step that acts.
      expect(rejected && statesEntered(rejected)).toEqual([
        'AddDeployedConfig',
        'TakeRunLease',
        'NotifyFailure',
        'ReleaseRunLeaseOfFailedRun',
        'RunFailed',
      ]);
      expect(await resources(w)).toEqual(oneRunsResources(w.config));
      expect(await leaseHolder(w)).toBeUndefined();
    },
    TEST_TIMEOUT_MS,
  );

  test(
    'under "reject", a run started during a forced retraining fails at its first state naming it',
    async () => {
      // Prepare
      const w = await world();
      await noResources(w);
      const { retraining, holdsTheLease } = forcedRetraining(w.reject, 'forced-retraining-rejecting');

      // Act
      await holdsTheLease;
      const [retrained, during] = await Promise.all([
        retraining,
        w.reject.run({}, { executionName: 'during-rejecting-retraining', waitMs: POLL_WAIT_MS }),
      ]);

      // Assess
      summaryOf(retrained);
      expect(during).toMatchObject({ status: 'FAILED', error: 'RunInProgress' });
      expect(during.status === 'FAILED' && during.cause).toContain(
        `Execution ${EXECUTION_ARN}forced-retraining-rejecting of project ${w.config.projectName} is running`,
      );
      expect(statesEntered(during)).toEqual([
        'AddDeployedConfig',
        'TakeRunLease',
        'NotifyFailure',
        'ReleaseRunLeaseOfFailedRun',
        'RunFailed',
      ]);
      expect(await resources(w)).toEqual(oneRunsResources(w.config));
    },
    TEST_TIMEOUT_MS,
  );

  test(
    'a failed run releases the lease, so the next run under "reject" takes it',
    async () => {
      // Prepare
      const w = await world();
      const failed = await probe(w, 'fails');

      // Act
      const holderAfterFailure = await leaseHolder(w);
      const next = await probe(w, 'after-failure');

      // Assess
      expect(failed).toMatchObject({ status: 'FAILED', error: 'ValidationFailed' });
      expect(holderAfterFailure).toBeUndefined();
      expect(next).toMatchObject({ status: 'FAILED', error: 'ValidationFailed' });
    },
    TEST_TIMEOUT_MS,
  );

  test(
    'the status change of an aborted execution releases its lease through the lease handler, so the next run under "reject" takes it',
    async () => {
      // Prepare
      const w = await world();
      await probe(w, 'creates-the-lease-table');
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const lease = require('../../lambda/pipeline/lease') as {
        handler: (event: LeaseEvent | ExecutionStatusChange) => Promise<LeaseResult>;
      };
      const aborted = `${EXECUTION_ARN}aborted`;
      const taken = await lease.handler({
        action: 'acquire',
        executionArn: aborted,
        executionStartTime: new Date().toISOString(),
        timeouts: w.config.timeouts,
      });
      const whileHeld = await probe(w, 'while-aborted-holds-it');

      // Act
      const released = await lease.handler({
        source: 'aws.states',
        'detail-type': 'Step Functions Execution Status Change',
        detail: {
          executionArn: aborted,
          stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:local',
          status: 'ABORTED',
        },
      });
      const next = await probe(w, 'after-abort');

      // Assess
      expect(taken.acquired).toBe(true);
      expect(whileHeld).toMatchObject({ status: 'FAILED', error: 'RunInProgress' });
      expect(released.released).toBe(true);
      expect(next).toMatchObject({ status: 'FAILED', error: 'ValidationFailed' });
      expect(await leaseHolder(w)).toBeUndefined();
    },
    TEST_TIMEOUT_MS,
  );
});
