/**
 * Step `imports`: starts a dataset import job (`<project>-<type>-<runId>`) for each dataset whose data
 * in S3 changed since its last successful import (or always with `force`), from
 * `s3://BUCKET_NAME/<dataLocation>` with the configured import mode and the Personalize role. A job
 * already running for a dataset is returned instead of starting another, so a re-run is idempotent.
 */
import {
  CreateDatasetImportJobCommand,
  ListDatasetImportJobsCommand,
  type DatasetImportJobSummary,
} from '@aws-sdk/client-personalize';
import { ListObjectsV2Command, type _Object } from '@aws-sdk/client-s3';
import { s3Client } from '../shared/clients';
import { requireEnv } from '../shared/env';
import { logger } from '../shared/logger';
import { pollable } from '../shared/polling';
import { DATASET_KEYS, importJobName } from '../shared/names';
import {
  epochSeconds,
  isAlreadyExists,
  listAll,
  personalizeArn,
  personalizeClient,
  scopeOfArn,
  tagged,
} from '../shared/personalize';
import type { ImportEntry, ImportsEvent, ImportsResult } from './contract';
import { decideImport } from './imports.logic';
import { dataFiles } from './validate.logic';

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
    const decision = decideImport({
      force: event.options.force,
      importMode: dataset.importMode,
      jobs: jobs.map((job) => ({
        arn: job.datasetImportJobArn ?? '',
        status: job.status ?? '',
        createdAt: epochSeconds(job.creationDateTime),
      })),
      objectsModifiedAt: objects
        .filter((o) => files.has(o.Key ?? ''))
        .map((o) => epochSeconds(o.LastModified)),
      location,
    });
    logger.info('Import decision', { datasetArn, ...decision });
    if (decision.action === 'skip') {
      imports.push({ datasetType: key, datasetArn, skipped: decision.reason });
    } else if (decision.action === 'reuse') {
      imports.push({ datasetType: key, datasetArn, jobArn: decision.jobArn });
    } else {
      const jobName = importJobName(event.config.projectName, key, event.runId);
      const jobArn = await startImport(event, jobName, datasetArn, location, decision.importMode);
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
): Promise<string> {
  try {
    const out = await personalizeClient().send(
      new CreateDatasetImportJobCommand({
        jobName,
        datasetArn,
        dataSource: { dataLocation: location },
        roleArn: PERSONALIZE_ROLE_ARN,
        importMode,
        ...tagged(event.config.tags),
      }),
    );
    return out.datasetImportJobArn ?? personalizeArn(scopeOfArn(datasetArn), 'dataset-import-job', jobName);
  } catch (error) {
    // The same run already started it (a retried step): that job is the answer.
    if (isAlreadyExists(error)) return personalizeArn(scopeOfArn(datasetArn), 'dataset-import-job', jobName);
    throw error;
  }
}

async function listJobs(datasetArn: string): Promise<DatasetImportJobSummary[]> {
  return listAll(async (nextToken) => {
    const page = await personalizeClient().send(new ListDatasetImportJobsCommand({ datasetArn, nextToken }));
    return { items: page.datasetImportJobs, nextToken: page.nextToken };
  });
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
