/**
 * The `batch-job` step: starts a batch inference job (type `inference`) or batch segment job (type
 * `segment`) named `<project>-<job>-<runId>` on a solution version. It reads JSON Lines from
 * `s3://<bucket>/batch/<job>/input/` and writes to `s3://<bucket>/batch/<job>/output/<runId>/`, encrypted
 * with the data key, as the Personalize role, with the configured filter and numResults. A retried step
 * whose job already exists returns that job.
 *
 * It runs only when there is something new for it ({@link decideBatchJob}). In order, a job starts when
 * 1. the run is forced (`force`);
 * 2. the run input names it (`batchJobs`, set by the job's schedule);
 * 3. its solution got a new version in this run that passed the quality gate (DEPLOYED or TRAINED);
 * 4. it never ran (no earlier job of it is ACTIVE or still running; failed ones do not count);
 * 5. this run already started it (a retried step returns that job);
 * otherwise it is skipped, with the reason, and the step returns `{ skipped: reason, targets: [] }`.
 *
 * A job about to start is still skipped when a job for the same solution version, filter and input
 * already exists, whichever run started it ({@link findDuplicate}): two runs that share a new version
 * run its batch job once. Only a job named in the run input (`batchJobs`, a batch schedule, which may
 * bring new input files) runs again after an identical job finished; none starts while one is running.
 *
 * The version it runs on: the one named in the event, else the version this run vouches for (the new
 * one, or for a gated-out solution the live version the gate compared with), else the newest ACTIVE
 * version of the solution.
 */
import {
  CreateBatchInferenceJobCommand,
  CreateBatchSegmentJobCommand,
  DescribeBatchInferenceJobCommand,
  DescribeBatchSegmentJobCommand,
  ListBatchInferenceJobsCommand,
  ListBatchSegmentJobsCommand,
  ListSolutionVersionsCommand,
  type PersonalizeClient,
} from '@aws-sdk/client-personalize';
import { batchJobName, batchJobPrefixes, filterName, solutionName } from '../../core/names';
import type {
  BatchJobDefinition,
  BatchJobEvent,
  BatchJobResult,
  ResolvedConfig,
  SolutionRunResult,
} from '../../core/pipeline-contract';
import { ResourceBusy, ResourceConflict, ValidationFailed } from '../shared/errors';
import { logger } from '../shared/logger';
import { pollable } from '../shared/polling';
import {
  CREATING_STATUSES,
  epochSeconds,
  FAILED_STATUSES,
  isAlreadyExists,
  listAll,
  personalizeArn,
  scopeOfArn,
  tagged,
  type ArnScope,
} from '../shared/personalize';

/** What {@link runBatchJob} works with. */
export interface BatchJobDeps {
  readonly personalize: PersonalizeClient;
  /** Partition, region and account of the function, for the solution of a job started without a version. */
  readonly scope: ArnScope;
  /** The data bucket (BUCKET_NAME) holding each job's input and output. */
  readonly bucket: string;
  /** The data key that encrypts the job's input and output (KMS_KEY_ARN). */
  readonly kmsKeyArn: string;
  /** The role Personalize runs the job as (PERSONALIZE_ROLE_ARN). */
  readonly personalizeRoleArn: string;
}

/** Starts the event's batch job when {@link decideBatchJob} says so; otherwise returns why it is skipped. */
export async function runBatchJob(event: BatchJobEvent, deps: BatchJobDeps): Promise<BatchJobResult> {
  const { config, job, runId } = event;
  const jobName = batchJobName(config.projectName, job.name, runId);
  const solutionResult = (event.solutionResults ?? []).find((r) => r.name === job.solution);
  const decision = decideBatchJob({
    job,
    force: event.options.force,
    requested: event.options.batchJobs ?? [],
    ...(solutionResult !== undefined ? { solutionResult } : {}),
    previous: await previousJobs(deps.personalize, job.type, batchJobName(config.projectName, job.name, '')),
    jobName,
  });
  logger.info('Batch job decision', { job: job.name, ...decision });
  if (decision.action === 'skip') return { skipped: decision.reason, ...pollable([]) };
  const solutionVersionArn =
    event.solutionVersionArn ??
    decision.solutionVersionArn ??
    (await latestActiveVersion(deps, config.projectName, job));
  const scope = scopeOfArn(solutionVersionArn);
  const prefixes = batchJobPrefixes(job.name);
  const filterArn = filterArnOf(config, job, scope);
  const encrypted = (path: string) => ({ path: `s3://${deps.bucket}/${path}`, kmsKeyArn: deps.kmsKeyArn });
  const inputPath = encrypted(prefixes.input).path;
  const duplicate = findDuplicate({
    jobs: await jobsOnVersion(deps.personalize, job.type, solutionVersionArn, jobName),
    filterArn,
    inputPath,
    requested: (event.options.batchJobs ?? []).includes(job.name),
  });
  if (duplicate !== undefined) {
    const reason = `a job for version ${solutionVersionArn} with the same filter and input already exists: ${duplicate.name} (${duplicate.status})`;
    logger.info('Batch job skipped as a duplicate', { job: job.name, duplicate: duplicate.name });
    return { skipped: reason, ...pollable([]) };
  }
  const request = {
    jobName,
    solutionVersionArn,
    roleArn: deps.personalizeRoleArn,
    jobInput: { s3DataSource: encrypted(prefixes.input) },
    jobOutput: { s3DataDestination: encrypted(`${prefixes.output}${runId}/`) },
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
  let jobArn: string;
  try {
    jobArn =
      (job.type === 'inference'
        ? (await deps.personalize.send(new CreateBatchInferenceJobCommand(request))).batchInferenceJobArn
        : (await deps.personalize.send(new CreateBatchSegmentJobCommand(request))).batchSegmentJobArn) ??
      fallback;
    logger.info('Batch job started', { jobArn, kind });
  } catch (error) {
    // The same run already started it (a retried step): that job is the answer.
    if (!isAlreadyExists(error)) throw error;
    jobArn = fallback;
  }
  return { jobArn, kind, reason: decision.reason, ...pollable([{ kind, arn: jobArn }]) };
}

/** The ARN of the config filter a job names, or `undefined` when it names none. @throws ValidationFailed */
function filterArnOf(config: ResolvedConfig, job: BatchJobDefinition, scope: ArnScope): string | undefined {
  if (job.filter === undefined) return undefined;
  const filter = config.filters.find((f) => f.name === job.filter);
  if (filter === undefined)
    throw new ValidationFailed([
      `batchJobs.${job.name}.filter: no filter named "${job.filter}" in the config.`,
    ]);
  return personalizeArn(scope, 'filter', filterName(config.projectName, filter.name, filter.expression));
}

/** Every job of this batch job (`<prefix><runId>`), from any run. */
async function previousJobs(
  personalize: PersonalizeClient,
  type: 'inference' | 'segment',
  prefix: string,
): Promise<PreviousJob[]> {
  const jobs =
    type === 'inference'
      ? await listAll(async (nextToken) => {
          const page = await personalize.send(new ListBatchInferenceJobsCommand({ nextToken }));
          return { items: page.batchInferenceJobs, nextToken: page.nextToken };
        })
      : await listAll(async (nextToken) => {
          const page = await personalize.send(new ListBatchSegmentJobsCommand({ nextToken }));
          return { items: page.batchSegmentJobs, nextToken: page.nextToken };
        });
  return jobs
    .map((j) => ({ name: j.jobName ?? '', status: j.status ?? '' }))
    .filter((j) => isRunOf(j.name, prefix));
}

/**
 * The jobs of a type on a solution version that did not fail, except `ownJobName` (this run's own job,
 * which a retried step returns), with the filter and input each was started with.
 */
async function jobsOnVersion(
  personalize: PersonalizeClient,
  type: 'inference' | 'segment',
  solutionVersionArn: string,
  ownJobName: string,
): Promise<ExistingJob[]> {
  const summaries =
    type === 'inference'
      ? await listAll(async (nextToken) => {
          const page = await personalize.send(
            new ListBatchInferenceJobsCommand({ solutionVersionArn, nextToken }),
          );
          return {
            items: page.batchInferenceJobs?.map((j) => ({ ...j, arn: j.batchInferenceJobArn })),
            nextToken: page.nextToken,
          };
        })
      : await listAll(async (nextToken) => {
          const page = await personalize.send(
            new ListBatchSegmentJobsCommand({ solutionVersionArn, nextToken }),
          );
          return {
            items: page.batchSegmentJobs?.map((j) => ({ ...j, arn: j.batchSegmentJobArn })),
            nextToken: page.nextToken,
          };
        });
  const candidates = summaries.filter(
    (j) =>
      j.solutionVersionArn === solutionVersionArn &&
      j.jobName !== ownJobName &&
      !FAILED_STATUSES.has(j.status ?? ''),
  );
  const jobs: ExistingJob[] = [];
  for (const candidate of candidates) {
    const arn = candidate.arn ?? '';
    const described =
      type === 'inference'
        ? (await personalize.send(new DescribeBatchInferenceJobCommand({ batchInferenceJobArn: arn })))
            .batchInferenceJob
        : (await personalize.send(new DescribeBatchSegmentJobCommand({ batchSegmentJobArn: arn })))
            .batchSegmentJob;
    jobs.push({
      name: candidate.jobName ?? arn,
      status: described?.status ?? candidate.status ?? '',
      ...(described?.filterArn !== undefined ? { filterArn: described.filterArn } : {}),
      inputPath: described?.jobInput?.s3DataSource?.path ?? '',
    });
  }
  return jobs;
}

/** A batch job on the version this run would use, as Describe reports it. */
export interface ExistingJob {
  readonly name: string;
  readonly status: string;
  readonly filterArn?: string;
  readonly inputPath: string;
}

/** What {@link findDuplicate} compares. */
export interface DuplicateInput {
  /** Jobs on the same solution version (this run's own job left out). */
  readonly jobs: readonly ExistingJob[];
  readonly filterArn: string | undefined;
  readonly inputPath: string;
  /** Whether the run input names the job (`batchJobs`): then only a running identical job stops it. */
  readonly requested: boolean;
}

/** An existing job that makes this one a duplicate: same filter and input, not failed (and running, when requested). */
export function findDuplicate(input: DuplicateInput): ExistingJob | undefined {
  const samePath = (a: string, b: string) => a.replace(/\/+$/, '') === b.replace(/\/+$/, '');
  return input.jobs.find(
    (j) =>
      !FAILED_STATUSES.has(j.status) &&
      (j.filterArn ?? '') === (input.filterArn ?? '') &&
      samePath(j.inputPath, input.inputPath) &&
      (!input.requested || isRunning(j.status)),
  );
}

/** Batch job statuses before ACTIVE / CREATE FAILED (documented and observed spellings). */
function isRunning(status: string): boolean {
  return CREATING_STATUSES.has(status) || status === 'PENDING' || status === 'IN PROGRESS';
}

/** The newest ACTIVE version of a job's solution, for a batch job started without one. */
async function latestActiveVersion(
  deps: BatchJobDeps,
  project: string,
  job: BatchJobDefinition,
): Promise<string> {
  const solutionArn = personalizeArn(deps.scope, 'solution', solutionName(project, job.solution));
  const versions = await listAll(async (nextToken) => {
    const page = await deps.personalize.send(new ListSolutionVersionsCommand({ solutionArn, nextToken }));
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
      `Solution ${solutionArn} is still training its first version; batch job "${job.name}" starts once it is ACTIVE.`,
    );
  }
  throw new ResourceConflict(
    `Batch job "${job.name}" needs an ACTIVE version of solution ${solutionArn}, and there is none; run the pipeline to train solution "${job.solution}" first.`,
  );
}

/** An earlier job of this batch job, as ListBatchInferenceJobs / ListBatchSegmentJobs list it. */
export interface PreviousJob {
  readonly name: string;
  readonly status: string;
}

/** What {@link decideBatchJob} decides on. */
export interface BatchJobDecisionInput {
  readonly job: { readonly name: string; readonly solution: string };
  readonly force: boolean;
  /** Batch job names the run input asks for. */
  readonly requested: readonly string[];
  /** The job's solution's outcome in this run, if the Solutions map reported one. */
  readonly solutionResult?: SolutionRunResult;
  /** Jobs of this batch job (any run, this one included). */
  readonly previous: readonly PreviousJob[];
  /** The job name of this run (`<project>-<job>-<runId>`). */
  readonly jobName: string;
}

/** Start the job (on the version this run vouches for, if any), or skip it; with the reason either way. */
export type BatchJobDecision =
  | { readonly action: 'start'; readonly reason: string; readonly solutionVersionArn?: string }
  | { readonly action: 'skip'; readonly reason: string };

/** Whether a job name is `<prefix><runId>` (runId: 14 digits), i.e. a run of this batch job and not of another one. */
export function isRunOf(jobName: string, prefix: string): boolean {
  return jobName.startsWith(prefix) && /^\d{14}$/.test(jobName.slice(prefix.length));
}

/** The version this run vouches for: a new version that passed, or the live version a gated-out one lost to. */
export function vouchedVersion(result: SolutionRunResult | undefined): string | undefined {
  if (result === undefined) return undefined;
  if (result.status === 'DEPLOYED' || result.status === 'TRAINED') return result.solutionVersionArn;
  if (result.status === 'GATED_OUT') return result.gate?.baseline?.solutionVersionArn;
  return undefined;
}

/** Whether the batch job runs in this run, in the order the file comment gives. */
export function decideBatchJob(input: BatchJobDecisionInput): BatchJobDecision {
  const { job, solutionResult } = input;
  const version = vouchedVersion(solutionResult);
  const start = (reason: string): BatchJobDecision => ({
    action: 'start',
    reason,
    ...(version !== undefined ? { solutionVersionArn: version } : {}),
  });
  if (input.force) return start('forced by the run input');
  if (input.requested.includes(job.name)) return start('requested by the run input (batchJobs)');
  const newVersion =
    solutionResult?.trained === true &&
    (solutionResult.status === 'DEPLOYED' || solutionResult.status === 'TRAINED');
  if (newVersion) {
    return start(
      `solution "${job.solution}" got a new version in this run (${solutionResult.solutionVersionArn ?? 'unknown'})`,
    );
  }
  if (input.previous.some((p) => p.name === input.jobName)) return start('already started by this run');
  const ran = input.previous.filter((p) => p.status !== 'CREATE FAILED');
  if (ran.length === 0) return start('the job has never run (or only failed) before');
  return { action: 'skip', reason: `${noNewVersion(job.solution, solutionResult)}; last job ${latest(ran)}` };
}

function noNewVersion(solution: string, result: SolutionRunResult | undefined): string {
  switch (result?.status) {
    case undefined:
      return `solution "${solution}" has no result in this run`;
    case 'SKIPPED':
      return `solution "${solution}" was not selected for this run`;
    case 'GATED_OUT':
      return `the new version of solution "${solution}" did not pass the quality gate`;
    case 'FAILED':
      return `solution "${solution}" failed in this run`;
    default:
      return `solution "${solution}" got no new version in this run`;
  }
}

/** Job names end in the run id (UTC yyyymmddhhmmss): the greatest is the newest. */
function latest(jobs: readonly PreviousJob[]): string {
  return (
    [...jobs]
      .map((j) => j.name)
      .sort()
      .reverse()[0] ?? ''
  );
}
