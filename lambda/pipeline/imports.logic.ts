/**
 * Pure logic of the `imports` step: whether a dataset needs a new import job.
 *
 * - a job of the dataset still CREATE PENDING / IN_PROGRESS is reused (never a second one);
 * - `force` starts a job;
 * - with no ACTIVE job yet, a job starts (FULL, even when the config says INCREMENTAL: Personalize
 *   rejects an incremental import before the first bulk import);
 * - a job starts when any data object was modified after the newest ACTIVE job was created;
 * - otherwise the dataset is skipped, with the reason.
 */
import { CREATING_STATUSES } from '../shared/personalize';

/** A dataset import job as listed by ListDatasetImportJobs. */
export interface ImportJobInfo {
  readonly arn: string;
  readonly status: string;
  /** Epoch seconds. */
  readonly createdAt: number;
}

export interface ImportDecisionInput {
  readonly force: boolean;
  readonly importMode: 'FULL' | 'INCREMENTAL';
  readonly jobs: readonly ImportJobInfo[];
  /** The data objects' LastModified, epoch seconds. */
  readonly objectsModifiedAt: readonly number[];
  /** `s3://bucket/location`, for the reason. */
  readonly location: string;
}

export type ImportDecision =
  | { readonly action: 'reuse'; readonly jobArn: string; readonly reason: string }
  | { readonly action: 'start'; readonly importMode: 'FULL' | 'INCREMENTAL'; readonly reason: string }
  | { readonly action: 'skip'; readonly reason: string };

export function decideImport(input: ImportDecisionInput): ImportDecision {
  const running = input.jobs.find((job) => CREATING_STATUSES.has(job.status));
  if (running)
    return { action: 'reuse', jobArn: running.arn, reason: `import job ${running.arn} is ${running.status}` };
  const active = input.jobs
    .filter((job) => job.status === 'ACTIVE')
    .sort((a, b) => b.createdAt - a.createdAt)[0];
  const mode = active ? input.importMode : 'FULL';
  if (input.force) return { action: 'start', importMode: mode, reason: 'forced by the run input' };
  if (active === undefined)
    return { action: 'start', importMode: 'FULL', reason: 'the dataset has no completed import yet' };
  if (input.objectsModifiedAt.length === 0) {
    return { action: 'skip', reason: `no data objects at ${input.location}` };
  }
  const changed = input.objectsModifiedAt.filter((t) => t > active.createdAt).length;
  if (changed > 0) {
    return {
      action: 'start',
      importMode: mode,
      reason: `${changed} object${changed === 1 ? '' : 's'} at ${input.location} changed since import job ${active.arn}`,
    };
  }
  return {
    action: 'skip',
    reason: `no object at ${input.location} changed since import job ${active.arn} (created ${new Date(active.createdAt * 1000).toISOString()})`,
  };
}
