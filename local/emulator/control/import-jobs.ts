import { namedArn } from '../arn';
import type { HandlerTable } from '../context';
import type { DatasetImportJobDoc } from '../documents';
import { InvalidInputException, ResourceInUseException } from '../errors';
import { Status } from '../lifecycle';
import {
  createResource,
  isCreating,
  listPage,
  pick,
  render,
  requireActive,
  requireFreeArn,
  requireResource,
  quotaReached,
} from '../resources';
import { checkString, PATTERNS } from '../validation';

const IMPORT_MODES: readonly DatasetImportJobDoc['importMode'][] = ['FULL', 'INCREMENTAL'];

/** CreateDatasetImportJob, DescribeDatasetImportJob, ListDatasetImportJobs. */
export const importJobOperations: HandlerTable = {
  CreateDatasetImportJob(ctx, input, req) {
    const jobName = input.name('jobName');
    const datasetArn = input.arn('datasetArn');
    const dataSource = input.object('dataSource');
    const dataLocation = checkString('dataSource.dataLocation', dataSource.dataLocation ?? '', {
      max: 256,
      pattern: PATTERNS.s3Path,
    });
    const roleArn = input.optionalRoleArn();
    const tags = input.tags();
    const importMode = input.optionalEnum('importMode', IMPORT_MODES) ?? 'FULL';
    const publish = input.optionalBoolean('publishAttributionMetricsToS3');
    const dataset = requireActive(requireResource(ctx, datasetArn, 'dataset'));
    const arn = namedArn(ctx.scope, 'datasetImportJob', jobName);
    requireFreeArn(ctx, arn, 'datasetImportJob', jobName);
    const jobs = ctx.store.listResources('datasetImportJob');
    if (
      importMode === 'INCREMENTAL' &&
      !jobs.some((j) => j.parentArn === datasetArn && j.status === Status.ACTIVE)
    ) {
      throw new InvalidInputException(
        `Dataset ${datasetArn} has no completed bulk import yet; the first import must use importMode FULL.`,
      );
    }
    const pending = jobs.filter(isCreating).length;
    if (pending >= ctx.quotas.pendingImportJobs) {
      throw quotaReached(
        ctx,
        'pendingImportJobs',
        'dataset import job',
        ' with PENDING or IN_PROGRESS status',
      );
    }
    // After the regional quota, one import at a time per dataset (see the README, "Concurrency"): a second job is refused while
    // one is CREATE PENDING or CREATE IN_PROGRESS.
    const running = jobs.find((j) => j.parentArn === datasetArn && isCreating(j));
    if (running) {
      throw new ResourceInUseException(
        `Dataset ${datasetArn} already has an import job in status ${running.status} (${running.arn}); create another once it is ACTIVE or CREATE FAILED.`,
      );
    }
    createResource(ctx, req, {
      kind: 'datasetImportJob',
      arn,
      name: jobName,
      parentArn: datasetArn,
      groupArn: dataset.groupArn,
      tags,
      doc: {
        jobName,
        datasetImportJobArn: arn,
        datasetArn,
        dataSource: { dataLocation },
        ...(roleArn ? { roleArn } : {}),
        importMode,
        publishAttributionMetricsToS3: publish ?? false,
      },
    });
    return { datasetImportJobArn: arn };
  },

  DescribeDatasetImportJob(ctx, input) {
    return {
      datasetImportJob: render(requireResource(ctx, input.arn('datasetImportJobArn'), 'datasetImportJob')),
    };
  },

  ListDatasetImportJobs(ctx, input) {
    const datasetArn = input.optionalArn('datasetArn');
    const rows = ctx.store.listResources('datasetImportJob', datasetArn ? { parentArn: datasetArn } : {});
    return listPage(
      input,
      rows,
      'datasetImportJobs',
      (row) =>
        pick(render(row), [
          'datasetImportJobArn',
          'jobName',
          'status',
          'creationDateTime',
          'lastUpdatedDateTime',
          'failureReason',
          'importMode',
        ]),
      [datasetArn],
    );
  },
};
