/**
 * Pure logic of the `imports` step: whether a dataset needs a new import job.
 *
 * - a job of the dataset still CREATE PENDING / IN_PROGRESS is reused (never a second one);
 * - `force` starts a job;
 * - with no ACTIVE job yet, a job starts (FULL, even when the config says INCREMENTAL: Personalize
 *   rejects an incremental import before the first bulk import);
 * - when the newest ACTIVE job carries a data fingerprint tag (see {@link dataFingerprint}), a job
 *   starts exactly when the data's fingerprint differs from it: re-uploading identical files does
 *   not re-import them;
 * - for a job without the tag (created before fingerprints), a job starts when any data object was
 *   modified after that job was created;
 * - otherwise the dataset is skipped, with the reason.
 */
import { createHash } from 'node:crypto';
import { CREATING_STATUSES } from '../shared/personalize';

/** Tag key of the fingerprint of the data an import job imported. */
export const FINGERPRINT_TAG_KEY = 'personalize-pipeline:data-fingerprint';

/** A dataset import job as listed by ListDatasetImportJobs. */
export interface ImportJobInfo {
  readonly arn: string;
  readonly status: string;
  /** Epoch seconds. */
  readonly createdAt: number;
  /** The job's {@link FINGERPRINT_TAG_KEY} tag, when it has one (and it was read). */
  readonly fingerprint?: string;
}

/** A data object as ListObjectsV2 lists it, with the content checksum S3 stored for it when there is one. */
export interface DataObjectInfo {
  readonly key: string;
  readonly etag: string;
  readonly size: number;
  /**
   * `<ALGORITHM>:<value>` of the object's full-content checksum (HeadObject with ChecksumMode ENABLED).
   * Preferred over the ETag, which is not a content hash for SSE-KMS or multipart objects.
   */
  readonly checksum?: string;
}

/**
 * The fingerprint of a dataset's data: hex SHA-256 over the sorted `key:content:size` lines of its data
 * objects, where content is the stored checksum or else the ETag (without quotes). Same objects with the
 * same content give the same fingerprint, whenever and however often they were uploaded.
 */
export function dataFingerprint(objects: readonly DataObjectInfo[]): string {
  const lines = objects
    .map((o) => `${o.key}:${o.checksum ?? o.etag.replace(/"/g, '')}:${o.size}`)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256').update(lines.join('\n'), 'utf8').digest('hex');
}

/** The newest ACTIVE job: the one the data is compared with. */
export function latestActiveJob<Job extends ImportJobInfo>(jobs: readonly Job[]): Job | undefined {
  return jobs.filter((job) => job.status === 'ACTIVE').sort((a, b) => b.createdAt - a.createdAt)[0];
}

export interface ImportDecisionInput {
  readonly force: boolean;
  readonly importMode: 'FULL' | 'INCREMENTAL';
  readonly jobs: readonly ImportJobInfo[];
  /** The data objects' LastModified, epoch seconds. */
  readonly objectsModifiedAt: readonly number[];
  /** {@link dataFingerprint} of the data objects. */
  readonly fingerprint: string;
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
  const active = latestActiveJob(input.jobs);
  const mode = active ? input.importMode : 'FULL';
  if (input.force) return { action: 'start', importMode: mode, reason: 'forced by the run input' };
  if (active === undefined)
    return { action: 'start', importMode: 'FULL', reason: 'the dataset has no completed import yet' };
  if (input.objectsModifiedAt.length === 0) {
    return { action: 'skip', reason: `no data objects at ${input.location}` };
  }
  if (active.fingerprint !== undefined) {
    if (active.fingerprint === input.fingerprint) {
      return {
        action: 'skip',
        reason: `the data at ${input.location} is unchanged since import job ${active.arn} (same fingerprint ${short(input.fingerprint)})`,
      };
    }
    return {
      action: 'start',
      importMode: mode,
      reason: `the data at ${input.location} differs from what import job ${active.arn} imported (fingerprint ${short(active.fingerprint)} → ${short(input.fingerprint)})`,
    };
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

function short(fingerprint: string): string {
  return fingerprint.slice(0, 12);
}
