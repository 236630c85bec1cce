/**
 * Step `imports`: starts a dataset import job (`<project>-<type>-<runId>`) for each dataset whose data
 * in S3 changed since its last successful import (or always with `force`), from
 * `s3://BUCKET_NAME/<dataLocation>` with the configured import mode and the Personalize role. A job
 * already running for a dataset is returned instead of starting another, so a re-run is idempotent.
 * Each job is tagged with the fingerprint of the data it imports (`personalize-pipeline:data-fingerprint`),
 * so identical data uploaded again is recognised as unchanged (see imports.logic.ts).
 */
import {
  CreateDatasetImportJobCommand,
  ListDatasetImportJobsCommand,
  ListTagsForResourceCommand,
  type DatasetImportJobSummary,
} from '@aws-sdk/client-personalize';
import { HeadObjectCommand, ListObjectsV2Command, type _Object } from '@aws-sdk/client-s3';
import { s3Client } from '../shared/clients';
import { requireEnv } from '../shared/env';
import { logger } from '../shared/logger';
import { pollable } from '../shared/polling';
import { DATASET_KEYS, importJobName } from '../../core/names';
import {
  epochSeconds,
  isAlreadyExists,
  listAll,
  personalizeArn,
  personalizeClient,
  scopeOfArn,
  toTags,
} from '../shared/personalize';
import type { ImportEntry, ImportsEvent, ImportsResult } from '../../core/pipeline-contract';
import {
  dataFingerprint,
  decideImport,
  FINGERPRINT_TAG_KEY,
  latestActiveJob,
  type DataObjectInfo,
  type ImportJobInfo,
} from './imports.logic';
import { dataFiles } from './data-files';

const BUCKET_NAME = requireEnv('BUCKET_NAME');
const PERSONALIZE_ROLE_ARN = requireEnv('PERSONALIZE_ROLE_ARN');

export const handler = async (event: ImportsEvent): Promise<ImportsResult> => {
  const imports: ImportEntry[] = [];
  for (const key of DATASET_KEYS) {
    const dataset = event.config.datasets[key];
    const datasetArn = event.datasetArns[key];
    if (dataset === undefined || datasetArn === undefined) continue;
    const location = `s3://${BUCKET_NAME}/${dataset.dataLocation}`;
    const [jobs, objects] = await Promise.all([listJobs(datasetArn), listObjects(dataset.dataLocation)]);
    const files = new Set(
      dataFiles(
        dataset.dataLocation,
        objects.map((o) => o.Key ?? ''),
      ),
    );
    const data = objects.filter((o) => files.has(o.Key ?? ''));
    const fingerprint = dataFingerprint(await Promise.all(data.map(describeObject)));
    const decision = decideImport({
      force: event.options.force,
      importMode: dataset.importMode,
      jobs: await withLatestFingerprint(
        jobs.map((job) => ({
          arn: job.datasetImportJobArn ?? '',
          status: job.status ?? '',
          createdAt: epochSeconds(job.creationDateTime),
        })),
      ),
      objectsModifiedAt: data.map((o) => epochSeconds(o.LastModified)),
      fingerprint,
      location,
    });
    logger.info('Import decision', { datasetArn, ...decision });
    if (decision.action === 'skip') {
      imports.push({ datasetType: key, datasetArn, skipped: decision.reason });
    } else if (decision.action === 'reuse') {
      imports.push({ datasetType: key, datasetArn, jobArn: decision.jobArn });
    } else {
      const jobName = importJobName(event.config.projectName, key, event.runId);
      const jobArn = await startImport(
        event,
        jobName,
        datasetArn,
        location,
        decision.importMode,
        fingerprint,
      );
      imports.push({ datasetType: key, datasetArn, jobArn });
    }
  }
  const jobArns = imports.flatMap((i) => (i.jobArn ? [i.jobArn] : []));
  return {
    imports,
    jobArns,
    ...pollable(jobArns.map((arn) => ({ kind: 'datasetImportJob' as const, arn }))),
  };
};

async function startImport(
  event: ImportsEvent,
  jobName: string,
  datasetArn: string,
  location: string,
  importMode: 'FULL' | 'INCREMENTAL',
  fingerprint: string,
): Promise<string> {
  // The config's tags plus the fingerprint of the data this job imports.
  const tags = [
    ...toTags(event.config.tags).filter((t) => t.tagKey !== FINGERPRINT_TAG_KEY),
    { tagKey: FINGERPRINT_TAG_KEY, tagValue: fingerprint },
  ];
  try {
    const out = await personalizeClient().send(
      new CreateDatasetImportJobCommand({
        jobName,
        datasetArn,
        dataSource: { dataLocation: location },
        roleArn: PERSONALIZE_ROLE_ARN,
        importMode,
        tags,
      }),
    );
    return out.datasetImportJobArn ?? personalizeArn(scopeOfArn(datasetArn), 'dataset-import-job', jobName);
  } catch (error) {
    // The same run already started it (a retried step): that job is the answer.
    if (isAlreadyExists(error)) return personalizeArn(scopeOfArn(datasetArn), 'dataset-import-job', jobName);
    throw error;
  }
}

/** The jobs, the newest ACTIVE one with its data fingerprint tag (when it has one). */
async function withLatestFingerprint(jobs: ImportJobInfo[]): Promise<ImportJobInfo[]> {
  const latest = latestActiveJob(jobs);
  if (latest === undefined) return jobs;
  const { tags } = await personalizeClient().send(
    new ListTagsForResourceCommand({ resourceArn: latest.arn }),
  );
  const fingerprint = tags?.find((t) => t.tagKey === FINGERPRINT_TAG_KEY)?.tagValue;
  if (fingerprint === undefined) return jobs;
  return jobs.map((job) => (job === latest ? { ...job, fingerprint } : job));
}

async function listJobs(datasetArn: string): Promise<DatasetImportJobSummary[]> {
  return listAll(async (nextToken) => {
    const page = await personalizeClient().send(new ListDatasetImportJobsCommand({ datasetArn, nextToken }));
    return { items: page.datasetImportJobs, nextToken: page.nextToken };
  });
}

/**
 * An object with the full-content checksum S3 stored for it. S3 keeps one for every upload made with a
 * checksum (the SDK's default, and S3's own default since 2025); the ETag stands in when there is none.
 */
async function describeObject(object: _Object): Promise<DataObjectInfo> {
  const key = object.Key ?? '';
  const head = await s3Client().send(
    new HeadObjectCommand({ Bucket: BUCKET_NAME, Key: key, ChecksumMode: 'ENABLED' }),
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

async function listObjects(prefix: string): Promise<_Object[]> {
  const objects: _Object[] = [];
  let token: string | undefined;
  do {
    const page = await s3Client().send(
      new ListObjectsV2Command({ Bucket: BUCKET_NAME, Prefix: prefix, ContinuationToken: token }),
    );
    objects.push(...(page.Contents ?? []));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return objects;
}
