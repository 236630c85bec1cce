/**
 * The `imports` step: starts a dataset import job (`<project>-<type>-<runId>`) for each dataset whose data in
 * S3 changed since its last successful import (or always with `force`), from `s3://<bucket>/<dataLocation>`
 * with the configured import mode and the Personalize role. A job already running for a dataset is returned
 * instead of starting another, so a re-run is idempotent. Each job is tagged with the fingerprint of the
 * data it imports, so identical data uploaded again is recognised as unchanged.
 *
 * Whether a dataset needs a new import job ({@link decideImport}):
 * - a job of the dataset still CREATE PENDING / IN_PROGRESS is reused (never a second one; a job another
 *   run starts between our listing and our Create is reused too, when Personalize refuses the second);
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
import {
  CreateDatasetImportJobCommand,
  ListDatasetImportJobsCommand,
  ListTagsForResourceCommand,
  type PersonalizeClient,
} from '@aws-sdk/client-personalize';
import { HeadObjectCommand, type _Object, type S3Client } from '@aws-sdk/client-s3';
import { DATASET_KEYS, importJobName, type DatasetKey } from '../../core/names';
import type { ImportEntry, ImportsEvent, ImportsResult } from '../../core/pipeline-contract';
import { ResourceBusy } from '../shared/errors';
import { logger } from '../shared/logger';
import { pollable } from '../shared/polling';
import {
  CREATING_STATUSES,
  epochSeconds,
  isAlreadyExists,
  isInUse,
  listAll,
  personalizeArn,
  scopeOfArn,
  toTags,
} from '../shared/personalize';
import { listDataFiles } from './data-files';

/** What {@link startImports} works with. */
export interface ImportsDeps {
  readonly personalize: PersonalizeClient;
  readonly s3: S3Client;
  /** The data bucket (BUCKET_NAME): the datasets' `dataLocation`s are keys in it. */
  readonly bucket: string;
  /** The role Personalize reads the data as (PERSONALIZE_ROLE_ARN). */
  readonly personalizeRoleArn: string;
}

/** Decides for every dataset, starts the import jobs needed, and returns the jobs to wait for. */
export async function startImports(event: ImportsEvent, deps: ImportsDeps): Promise<ImportsResult> {
  const imports: ImportEntry[] = [];
  for (const key of DATASET_KEYS) {
    const entry = await importDataset(deps, event, key);
    if (entry !== undefined) imports.push(entry);
  }
  const jobArns = imports.flatMap((i) => (i.jobArn ? [i.jobArn] : []));
  return {
    imports,
    jobArns,
    ...pollable(jobArns.map((arn) => ({ kind: 'datasetImportJob' as const, arn }))),
  };
}

/** One dataset's import: skipped, a job already running, or a job started now. */
async function importDataset(
  deps: ImportsDeps,
  event: ImportsEvent,
  key: DatasetKey,
): Promise<ImportEntry | undefined> {
  const dataset = event.config.datasets[key];
  const datasetArn = event.datasetArns[key];
  if (dataset === undefined || datasetArn === undefined) return undefined;
  const location = `s3://${deps.bucket}/${dataset.dataLocation}`;
  const [jobs, data] = await Promise.all([
    importJobs(deps.personalize, datasetArn),
    listDataFiles(deps.s3, deps.bucket, dataset.dataLocation),
  ]);
  const fingerprint = dataFingerprint(await Promise.all(data.map((object) => describeObject(deps, object))));
  const decision = decideImport({
    force: event.options.force,
    importMode: dataset.importMode,
    jobs: await withLatestFingerprint(deps.personalize, jobs),
    objectsModifiedAt: data.map((o) => epochSeconds(o.LastModified)),
    fingerprint,
    location,
  });
  logger.info('Import decision', { datasetArn, ...decision });
  if (decision.action === 'skip') return { datasetType: key, datasetArn, skipped: decision.reason };
  if (decision.action === 'reuse') return { datasetType: key, datasetArn, jobArn: decision.jobArn };
  const jobArn = await startImport(deps, {
    jobName: importJobName(event.config.projectName, key, event.runId),
    datasetArn,
    location,
    importMode: decision.importMode,
    fingerprint,
    tags: event.config.tags,
  });
  return { datasetType: key, datasetArn, jobArn };
}

/** An import job to start. */
interface ImportJobRequest {
  readonly jobName: string;
  readonly datasetArn: string;
  /** `s3://bucket/location` of the data. */
  readonly location: string;
  readonly importMode: 'FULL' | 'INCREMENTAL';
  /** {@link dataFingerprint} of the data, tagged on the job. */
  readonly fingerprint: string;
  /** The config's tags. */
  readonly tags: Readonly<Record<string, string>> | undefined;
}

/** Starts an import job; a job of that name this run already started is the answer. */
async function startImport(deps: ImportsDeps, job: ImportJobRequest): Promise<string> {
  const arn = personalizeArn(scopeOfArn(job.datasetArn), 'dataset-import-job', job.jobName);
  // The config's tags plus the fingerprint of the data this job imports.
  const tags = [
    ...toTags(job.tags).filter((t) => t.tagKey !== FINGERPRINT_TAG_KEY),
    { tagKey: FINGERPRINT_TAG_KEY, tagValue: job.fingerprint },
  ];
  try {
    const out = await deps.personalize.send(
      new CreateDatasetImportJobCommand({
        jobName: job.jobName,
        datasetArn: job.datasetArn,
        dataSource: { dataLocation: job.location },
        roleArn: deps.personalizeRoleArn,
        importMode: job.importMode,
        tags,
      }),
    );
    return out.datasetImportJobArn ?? arn;
  } catch (error) {
    // The same run already started it (a retried step): that job is the answer.
    if (isAlreadyExists(error)) return arn;
    if (!isInUse(error)) throw error;
    // Another run started a job on this dataset since we listed its jobs (Personalize runs one import
    // per dataset at a time): wait for that one instead.
    const running = (await importJobs(deps.personalize, job.datasetArn)).find((j) =>
      CREATING_STATUSES.has(j.status),
    );
    if (running === undefined) {
      throw new ResourceBusy(
        `Dataset ${job.datasetArn} is busy (${error instanceof Error ? error.message : String(error)}); retry.`,
      );
    }
    logger.info('Reusing the import job another run started', {
      datasetArn: job.datasetArn,
      jobArn: running.arn,
    });
    return running.arn;
  }
}

/** Every import job of a dataset. */
async function importJobs(personalize: PersonalizeClient, datasetArn: string): Promise<ImportJobInfo[]> {
  const jobs = await listAll(async (nextToken) => {
    const page = await personalize.send(new ListDatasetImportJobsCommand({ datasetArn, nextToken }));
    return { items: page.datasetImportJobs, nextToken: page.nextToken };
  });
  return jobs.map((job) => ({
    arn: job.datasetImportJobArn ?? '',
    status: job.status ?? '',
    createdAt: epochSeconds(job.creationDateTime),
  }));
}

/** The jobs, the newest ACTIVE one with its data fingerprint tag (when it has one). */
async function withLatestFingerprint(
  personalize: PersonalizeClient,
  jobs: ImportJobInfo[],
): Promise<ImportJobInfo[]> {
  const latest = latestActiveJob(jobs);
  if (latest === undefined) return jobs;
  const { tags } = await personalize.send(new ListTagsForResourceCommand({ resourceArn: latest.arn }));
  const fingerprint = tags?.find((t) => t.tagKey === FINGERPRINT_TAG_KEY)?.tagValue;
  if (fingerprint === undefined) return jobs;
  return jobs.map((job) => (job === latest ? { ...job, fingerprint } : job));
}

/**
 * An object with the full-content checksum S3 stored for it. S3 keeps one for every upload made with a
 * checksum (the SDK's default, and S3's own default since 2025); the ETag stands in when there is none.
 */
async function describeObject(deps: ImportsDeps, object: _Object): Promise<DataObjectInfo> {
  const key = object.Key ?? '';
  const head = await deps.s3.send(
    new HeadObjectCommand({ Bucket: deps.bucket, Key: key, ChecksumMode: 'ENABLED' }),
  );
  const checksums: Array<[string, string | undefined]> = [
    ['CRC64NVME', head.ChecksumCRC64NVME],
    ['CRC32', head.ChecksumCRC32],
    ['CRC32C', head.ChecksumCRC32C],
    ['SHA256', head.ChecksumSHA256],
    ['SHA1', head.ChecksumSHA1],
  ];
  const stored = checksums.find(([, value]) => value !== undefined);
  return {
    key,
    etag: object.ETag ?? '',
    size: object.Size ?? 0,
    ...(stored && head.ChecksumType !== 'COMPOSITE' ? { checksum: `${stored[0]}:${stored[1]}` } : {}),
  };
}

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

/** What {@link decideImport} decides on, for one dataset. */
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

/** Reuse a running job, start one (in a mode), or skip the dataset; with the reason. */
export type ImportDecision =
  | { readonly action: 'reuse'; readonly jobArn: string; readonly reason: string }
  | { readonly action: 'start'; readonly importMode: 'FULL' | 'INCREMENTAL'; readonly reason: string }
  | { readonly action: 'skip'; readonly reason: string };

/** Whether a dataset needs a new import job, in the order the file comment gives. */
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
