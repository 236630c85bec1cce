import { namedArn } from '../arn';
import type { HandlerTable } from '../context';
import { ResourceInUseException } from '../errors';
import {
  beginDelete,
  createResource,
  isLive,
  LABELS,
  listPage,
  pick,
  render,
  requireCreated,
  requireFreeArn,
  requireResource,
  quotaReached,
} from '../resources';
import { DOMAINS } from './schemas';

/** Kinds that keep a dataset group from being deleted. */
const CHILD_KINDS = [
  'dataset',
  'solution',
  'eventTracker',
  'filter',
  'recommender',
  'metricAttribution',
] as const;

/** CreateDatasetGroup, DescribeDatasetGroup, ListDatasetGroups, DeleteDatasetGroup. */
export const datasetGroupOperations: HandlerTable = {
  CreateDatasetGroup(ctx, input, req) {
    const name = input.name();
    const roleArn = input.optionalRoleArn();
    const kmsKeyArn = input.optionalKmsKeyArn();
    const domain = input.optionalEnum('domain', DOMAINS);
    const tags = input.tags();
    const arn = namedArn(ctx.scope, 'datasetGroup', name);
    requireFreeArn(ctx, arn, 'datasetGroup', name);
    const live = ctx.store.listResources('datasetGroup').filter(isLive).length;
    if (live >= ctx.quotas.datasetGroups) {
      throw quotaReached(ctx, 'datasetGroups', 'dataset group');
    }
    createResource(ctx, req, {
      kind: 'datasetGroup',
      arn,
      name,
      groupArn: arn,
      tags,
      doc: {
        name,
        datasetGroupArn: arn,
        ...(roleArn ? { roleArn } : {}),
        ...(kmsKeyArn ? { kmsKeyArn } : {}),
        ...(domain ? { domain } : {}),
      },
    });
    return { datasetGroupArn: arn, ...(domain ? { domain } : {}) };
  },

  DescribeDatasetGroup(ctx, input) {
    return { datasetGroup: render(requireResource(ctx, input.arn('datasetGroupArn'), 'datasetGroup')) };
  },

  ListDatasetGroups(ctx, input) {
    return listPage(input, ctx.store.listResources('datasetGroup'), 'datasetGroups', (row) =>
      pick(render(row), [
        'name',
        'datasetGroupArn',
        'status',
        'creationDateTime',
        'lastUpdatedDateTime',
        'failureReason',
        'domain',
      ]),
    );
  },

  DeleteDatasetGroup(ctx, input) {
    const row = requireResource(ctx, input.arn('datasetGroupArn'), 'datasetGroup');
    for (const kind of CHILD_KINDS) {
      const child = ctx.store.listResources(kind, { groupArn: row.arn })[0];
      if (child) {
        throw new ResourceInUseException(
          `Dataset group ${row.arn} still has ${LABELS[kind].toLowerCase()} ${child.arn}; delete it first.`,
        );
      }
    }
    requireCreated(row);
    beginDelete(ctx, row);
    return {};
  },
};
