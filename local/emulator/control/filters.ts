import { parseFilterExpression } from '../../engine';
import { namedArn } from '../arn';
import type { HandlerTable } from '../context';
import { InvalidInputException, LimitExceededException } from '../errors';
import {
  beginDelete,
  createResource,
  isLive,
  listPage,
  pick,
  render,
  requireActive,
  requireCreated,
  requireFreeArn,
  requireResource,
} from '../resources';

const SUMMARY_KEYS = [
  'name',
  'filterArn',
  'creationDateTime',
  'lastUpdatedDateTime',
  'datasetGroupArn',
  'failureReason',
  'status',
];

/** CreateFilter, DescribeFilter, ListFilters (result key `Filters`), DeleteFilter. */
export const filterOperations: HandlerTable = {
  CreateFilter(ctx, input, req) {
    const name = input.name();
    const groupArn = input.arn('datasetGroupArn');
    const filterExpression = input.string('filterExpression', { min: 1, max: 2500 });
    const tags = input.tags();
    try {
      parseFilterExpression(filterExpression);
    } catch (error) {
      throw new InvalidInputException(
        `Could not create filter. Invalid Expression: ${(error as Error).message}`,
      );
    }
    requireActive(requireResource(ctx, groupArn, 'datasetGroup'));
    const arn = namedArn(ctx.scope, 'filter', name);
    requireFreeArn(ctx, arn, 'filter', name);
    if (ctx.store.listResources('filter', { groupArn }).filter(isLive).length >= ctx.quotas.filtersPerGroup) {
      throw new LimitExceededException(
        `Cannot create a filter. More than ${ctx.quotas.filtersPerGroup} filters in dataset group ${groupArn}.`,
      );
    }
    createResource(ctx, req, {
      kind: 'filter',
      arn,
      name,
      parentArn: groupArn,
      groupArn,
      tags,
      doc: { name, filterArn: arn, datasetGroupArn: groupArn, filterExpression },
    });
    return { filterArn: arn };
  },

  DescribeFilter(ctx, input) {
    return { filter: render(requireResource(ctx, input.arn('filterArn'), 'filter')) };
  },

  ListFilters(ctx, input) {
    const groupArn = input.optionalArn('datasetGroupArn');
    const rows = ctx.store.listResources('filter', groupArn ? { groupArn } : {});
    return listPage(input, rows, 'Filters', (row) => pick(render(row), SUMMARY_KEYS), [groupArn]);
  },

  DeleteFilter(ctx, input) {
    const row = requireResource(ctx, input.arn('filterArn'), 'filter');
    requireCreated(row);
    beginDelete(ctx, row);
    return {};
  },
};
