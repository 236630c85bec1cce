/**
 * The batch-job handler against moto and the emulator: a batch inference job reading the job's input folder
 * and writing per run, started when there is something new for it and otherwise skipped, saying why.
 */
import { DescribeBatchInferenceJobCommand } from '@aws-sdk/client-personalize';
import type * as Contract from '../../../core/pipeline-contract';
import { KMS_KEY_ARN, once, pollUntilDone, putObjects, ROLE_ARN } from '../helpers';
import { PROJECT, project, withoutStart, world, type Project } from './fixture';

/** A batch-job result that started a job (fails the test when it skipped). */
function startedJob(result: Contract.BatchJobResult): Contract.BatchJobStarted {
  if ('skipped' in result) throw new Error(`expected the batch job to start; skipped: ${result.skipped}`);
  return result;
}

/** The job's input, a trained solution and the filter the job names. */
async function readyForBatchJobs(
  p: Project,
): Promise<{ run: Contract.RunState; solutionVersionArn: string }> {
  await putObjects({
    'batch/nightly/input/users.jsonl': '{"userId":"user-0001"}\n{"userId":"user-0002"}\n',
  });
  const run = await p.run();
  await p.filters();
  const { solutionVersionArn } = await p.trained();
  return { run, solutionVersionArn };
}

/** A project whose batch job ran once, in its validated run. */
const ranOnce = project('batch-ran');
const batchJobRan = once(async () => {
  const { h } = await world();
  const { run, solutionVersionArn } = await readyForBatchJobs(ranOnce);
  const started = startedJob(
    await h.batchJob({
      config: run.config,
      job: ranOnce.batchJob(run),
      options: run.options,
      solutionResults: [{ name: 'popular', status: 'DEPLOYED', solutionVersionArn, trained: false }],
      solutionVersionArn,
      runId: run.runId,
    }),
  );
  await pollUntilDone(h.poll, 'batch', started.targets);
  return started;
});

describe('the batch-job handler', () => {
  test('batch-job starts a batch inference job reading the job input folder and writing per run', async () => {
    // Prepare
    const { h, personalize } = await world();
    const p = project(PROJECT);
    const { run, solutionVersionArn } = await readyForBatchJobs(p);
    const { filters: filterArns } = await p.filters();
    const event = {
      config: run.config,
      job: p.batchJob(run),
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
    const { h } = await world();
    await batchJobRan();
    const run = await ranOnce.run();
    const { solutionVersionArn } = await ranOnce.trained();
    // Act
    const result = await h.batchJob({
      config: run.config,
      job: ranOnce.batchJob(run),
      options: run.options,
      solutionResults: [{ name: 'popular', status: 'DEPLOYED', solutionVersionArn, trained: false }],
      runId: '20990101000000',
    });
    // Assess
    expect(withoutStart(result)).toEqual({
      skipped: `solution "popular" got no new version in this run; last job ${ranOnce.name}-nightly-${run.runId}`,
      targets: [],
    });
    expect(await pollUntilDone(h.poll, 'batch', result.targets)).toEqual(
      expect.objectContaining({ done: true, statuses: [] }),
    );
  });

  test('batch-job started by a schedule, without a version, runs on the newest ACTIVE version of its solution', async () => {
    // Prepare
    const { h, personalize } = await world();
    const p = project('batch-scheduled');
    const { run, solutionVersionArn } = await readyForBatchJobs(p);
    // Act
    const started = startedJob(
      await h.batchJob({
        config: run.config,
        job: p.batchJob(run),
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
    const { h, personalize } = await world();
    const p = project('batch-new-version');
    const { run, solutionVersionArn } = await readyForBatchJobs(p);
    // Act
    const started = startedJob(
      await h.batchJob({
        config: run.config,
        job: p.batchJob(run),
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

  test('batch-job skips a new version whose identical job another run already started, naming that job', async () => {
    // Prepare
    const { h } = await world();
    const earlier = await batchJobRan();
    const run = await ranOnce.run();
    const { solutionVersionArn } = await ranOnce.trained();
    // Act
    const result = await h.batchJob({
      config: run.config,
      job: ranOnce.batchJob(run),
      options: run.options,
      solutionResults: [{ name: 'popular', status: 'DEPLOYED', solutionVersionArn, trained: true }],
      runId: '20990101000003',
    });
    // Assess
    expect(withoutStart(result)).toEqual({
      skipped: `a job for version ${solutionVersionArn} with the same filter and input already exists: ${ranOnce.name}-nightly-${run.runId} (ACTIVE)`,
      targets: [],
    });
    expect(earlier.jobArn).toBe(
      `arn:aws:personalize:us-east-1:123456789012:batch-inference-job/${ranOnce.name}-nightly-${run.runId}`,
    );
  });
});
