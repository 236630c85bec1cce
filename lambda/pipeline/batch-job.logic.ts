/**
 * Pure logic of the `batch-job` step: run a batch job only when there is something new for it.
 *
 * In order, a job starts when
 * 1. the run is forced (`force`);
 * 2. the run input names it (`batchJobs`, set by the job's schedule);
 * 3. its solution got a new version in this run that passed the quality gate (DEPLOYED or TRAINED);
 * 4. it never ran (no earlier job of it is ACTIVE or still running; failed ones do not count);
 * 5. this run already started it (a retried step returns that job);
 * otherwise it is skipped, with the reason.
 *
 * The version it runs on: the one named in the event, else the version this run vouches for (the new
 * one, or for a gated-out solution the live version the gate compared with), else (undefined) the
 * newest ACTIVE version of the solution, which the handler looks up.
 */
import type { SolutionRunResult } from '../../core/pipeline-contract';

/** An earlier job of this batch job, as ListBatchInferenceJobs / ListBatchSegmentJobs list it. */
export interface PreviousJob {
  readonly name: string;
  readonly status: string;
}

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
