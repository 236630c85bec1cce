/**
 * Step `batch-job`: starts a batch inference job (type `inference`) or batch segment job (type
 * `segment`) named `<project>-<job>-<runId>` on a solution version. It reads JSON Lines from
 * `s3://BUCKET_NAME/batch/<job>/input/` and writes to `s3://BUCKET_NAME/batch/<job>/output/<runId>/`,
 * encrypted with KMS_KEY_ARN, as the Personalize role, with the configured filter and numResults.
 * It runs only when there is something new (see batch-job.logic.ts: a new version of its solution in
 * this run, `force`, the run input's `batchJobs`, or no earlier run); otherwise it returns
 * `{ skipped: reason, targets: [] }`. Without `solutionVersionArn` in the event, the version this run
 * vouches for is used, else the newest ACTIVE version of the job's solution.
 * A retried step whose job already exists returns that job.
 */
import {
  CreateBatchInferenceJobCommand,
  CreateBatchSegmentJobCommand,
  ListBatchInferenceJobsCommand,
  ListBatchSegmentJobsCommand,
  ListSolutionVersionsCommand,
} from '@aws-sdk/client-personalize';
import { batchJobPrefixes } from '../../core/names';
import { requireEnv } from '../shared/env';
import { ResourceBusy, ResourceConflict, ValidationFailed } from '../shared/errors';
import { logger } from '../shared/logger';
import { pollable } from '../shared/polling';
import { batchJobName, filterName, solutionName } from '../../core/names';
import {
  CREATING_STATUSES,
  epochSeconds,
  isAlreadyExists,
  listAll,
  personalizeArn,
  personalizeClient,
  scopeFromEnv,
  scopeOfArn,
  tagged,
} from '../shared/personalize';
import type { BatchJobEvent, BatchJobResult } from '../../core/pipeline-contract';
import { decideBatchJob, isRunOf, type PreviousJob } from './batch-job.logic';

const BUCKET_NAME = requireEnv('BUCKET_NAME');
const KMS_KEY_ARN = requireEnv('KMS_KEY_ARN');
const PERSONALIZE_ROLE_ARN = requireEnv('PERSONALIZE_ROLE_ARN');

export const handler = async (event: BatchJobEvent): Promise<BatchJobResult> => {
  const { config, job, runId } = event;
  const jobName = batchJobName(config.projectName, job.name, runId);
  const decision = decideBatchJob({
    job,
    force: event.options.force,
    requested: event.options.batchJobs ?? [],
    ...solutionResultOf(event),
    previous: await previousJobs(job.type, batchJobName(config.projectName, job.name, '')),
    jobName,
  });
  logger.info('Batch job decision', { job: job.name, ...decision });
  if (decision.action === 'skip') return { skipped: decision.reason, ...pollable([]) };
  const solutionVersionArn =
    event.solutionVersionArn ??
    decision.solutionVersionArn ??
    (await latestActiveVersion(config.projectName, job.solution, job.name));
  const scope = scopeOfArn(solutionVersionArn);
  const prefixes = batchJobPrefixes(job.name);
  let filterArn: string | undefined;
  if (job.filter !== undefined) {
    const filter = config.filters.find((f) => f.name === job.filter);
    if (filter === undefined)
      throw new ValidationFailed([
        `batchJobs.${job.name}.filter: no filter named "${job.filter}" in the config.`,
      ]);
    filterArn = personalizeArn(
      scope,
      'filter',
      filterName(config.projectName, filter.name, filter.expression),
    );
  }
  const common = {
    jobName,
    solutionVersionArn,
    roleArn: PERSONALIZE_ROLE_ARN,
    jobInput: { s3DataSource: { path: `s3://${BUCKET_NAME}/${prefixes.input}`, kmsKeyArn: KMS_KEY_ARN } },
    jobOutput: {
      s3DataDestination: { path: `s3://${BUCKET_NAME}/${prefixes.output}${runId}/`, kmsKeyArn: KMS_KEY_ARN },
    },
    ...(filterArn !== undefined ? { filterArn } : {}),
    ...(job.numResults !== undefined ? { numResults: job.numResults } : {}),
    ...tagged(config.tags),
  };
  const kind = job.type === 'inference' ? 'batchInferenceJob' : 'batchSegmentJob';
  const fallback = personalizeArn(
    scope,
    job.type === 'inference' ? 'batch-inference-job' : 'batch-segment-job',
    jobName,
  );
  try {
    const jobArn =
      job.type === 'inference'
        ? (await personalizeClient().send(new CreateBatchInferenceJobCommand(common))).batchInferenceJobArn
        : (await personalizeClient().send(new CreateBatchSegmentJobCommand(common))).batchSegmentJobArn;
    logger.info('Batch job started', { jobArn, kind });
    const arn = jobArn ?? fallback;
    return { jobArn: arn, kind, reason: decision.reason, ...pollable([{ kind, arn }]) };
  } catch (error) {
    if (isAlreadyExists(error))
      return { jobArn: fallback, kind, reason: decision.reason, ...pollable([{ kind, arn: fallback }]) };
    throw error;
  }
};

/** The job's solution's outcome in this run, from the Solutions map's results. */
function solutionResultOf(
  event: BatchJobEvent,
): Pick<Parameters<typeof decideBatchJob>[0], 'solutionResult'> {
  const result = (event.solutionResults ?? []).find((r) => r.name === event.job.solution);
  return result === undefined ? {} : { solutionResult: result };
}

/** Every job of this batch job (`<prefix><runId>`), from any run. */
async function previousJobs(type: 'inference' | 'segment', prefix: string): Promise<PreviousJob[]> {
  const client = personalizeClient();
  const jobs =
    type === 'inference'
      ? await listAll(async (nextToken) => {
          const page = await client.send(new ListBatchInferenceJobsCommand({ nextToken }));
          return { items: page.batchInferenceJobs, nextToken: page.nextToken };
        })
      : await listAll(async (nextToken) => {
          const page = await client.send(new ListBatchSegmentJobsCommand({ nextToken }));
          return { items: page.batchSegmentJobs, nextToken: page.nextToken };
        });
  return jobs
    .map((j) => ({ name: j.jobName ?? '', status: j.status ?? '' }))
    .filter((j) => isRunOf(j.name, prefix));
}

/** The newest ACTIVE version of a config solution, for a batch job started without one. */
async function latestActiveVersion(project: string, solution: string, job: string): Promise<string> {
  const solutionArn = personalizeArn(scopeFromEnv(), 'solution', solutionName(project, solution));
  const versions = await listAll(async (nextToken) => {
    const page = await personalizeClient().send(new ListSolutionVersionsCommand({ solutionArn, nextToken }));
    return { items: page.solutionVersions, nextToken: page.nextToken };
  });
  const newest = (status: (s: string) => boolean) =>
    versions
      .filter((v) => status(v.status ?? ''))
      .sort((a, b) => epochSeconds(b.creationDateTime) - epochSeconds(a.creationDateTime))[0]
      ?.solutionVersionArn;
  const active = newest((s) => s === 'ACTIVE');
  if (active !== undefined) return active;
  if (newest((s) => CREATING_STATUSES.has(s)) !== undefined) {
    throw new ResourceBusy(
      `Solution ${solutionArn} is still training its first version; batch job "${job}" starts once it is ACTIVE.`,
    );
  }
  throw new ResourceConflict(
    `Batch job "${job}" needs an ACTIVE version of solution ${solutionArn}, and there is none; run the pipeline to train solution "${solution}" first.`,
  );
}
