import {
  flattenConditions,
  type FilterAst,
  type FilterCondition,
  type FilterDataset,
} from '../../../core/filter-expression';
import { parseFilterExpression } from '../../engine';
import { namedArn } from '../arn';
import type { EmulatorContext, HandlerTable } from '../context';
import type { StoredDatasetType } from '../documents';
import { InvalidInputException } from '../errors';
import {
  groupDatasets,
  schemaFieldsOf,
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
  quotaReached,
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

const INVALID = 'Could not create filter. Invalid Expression';

/** The dataset a filter condition reads (`CurrentUser` reads the Users dataset). */
const DATASET_OF: Readonly<Record<FilterDataset, StoredDatasetType>> = {
  Items: 'ITEMS',
  Interactions: 'INTERACTIONS',
  Users: 'USERS',
  CurrentUser: 'USERS',
  Actions: 'ACTIONS',
  Action_Interactions: 'ACTION_INTERACTIONS',
};

/**
 * Interaction columns a filter can read. Personalize filters interactions by event type; the emulator
 * also evaluates the other reserved columns it keeps with each interaction. Contextual metadata columns
 * (e.g. DEVICE) cannot be filtered.
 */
const FILTERABLE_INTERACTION_COLUMNS: ReadonlySet<string> = new Set([
  'EVENT_TYPE',
  'EVENT_VALUE',
  'ITEM_ID',
  'USER_ID',
  'TIMESTAMP',
]);

/**
 * Checks every column a filter reads against the schemas of the dataset group's datasets: the dataset
 * must exist (a filter is checked when it is created, so its datasets must be created first), the
 * column must be in its schema, and textual and boolean columns cannot be filtered.
 * @returns the problem, worded for "Could not create filter. Invalid Expression: ...", or undefined
 */
function columnProblem(ctx: EmulatorContext, groupArn: string, ast: FilterAst): string | undefined {
  const datasets = groupDatasets(ctx, groupArn);
  const conditions: FilterCondition[] = ast.expressions.flatMap((e) => [
    ...flattenConditions(e.where),
    ...e.when,
  ]);
  for (const condition of conditions) {
    const subject = `${condition.dataset}.${condition.field}`;
    const type = DATASET_OF[condition.dataset];
    const dataset = datasets.get(type);
    const label = condition.dataset === 'CurrentUser' ? 'Users' : condition.dataset;
    if (!dataset || !isLive(dataset))
      return `${subject} reads the ${label} dataset, and dataset group ${groupArn} has no ${label} dataset. Create the dataset before filters that use it.`;
    const fields = schemaFieldsOf(ctx, dataset) ?? [];
    const wanted = condition.field.toUpperCase();
    const field = fields.find((f) => f.name.toUpperCase() === wanted);
    if (!field)
      return `${subject} is not a column of the ${label} dataset's schema (columns: ${fields.map((f) => f.name).join(', ')}).`;
    if (
      (type === 'INTERACTIONS' || type === 'ACTION_INTERACTIONS') &&
      !FILTERABLE_INTERACTION_COLUMNS.has(field.name)
    )
      return `${subject} is interaction metadata; interactions can only be filtered by ${[...FILTERABLE_INTERACTION_COLUMNS].join(', ')}.`;
    if (field.textual) return `${subject} is a textual field; unstructured text cannot be used in a filter.`;
    if (field.type === 'boolean')
      return `${subject} is a boolean field; boolean fields cannot be used in a filter (store "True"/"False" strings or 0/1 numbers instead).`;
  }
  return undefined;
}

/** CreateFilter, DescribeFilter, ListFilters (result key `Filters`), DeleteFilter. */
export const filterOperations: HandlerTable = {
  CreateFilter(ctx, input, req) {
    const name = input.name();
    const groupArn = input.arn('datasetGroupArn');
    const filterExpression = input.string('filterExpression', { min: 1, max: 2500 });
    const tags = input.tags();
    let ast: FilterAst;
    try {
      ast = parseFilterExpression(filterExpression);
    } catch (error) {
      throw new InvalidInputException(`${INVALID}: ${(error as Error).message}`);
    }
    requireActive(requireResource(ctx, groupArn, 'datasetGroup'));
    const problem = columnProblem(ctx, groupArn, ast);
    if (problem !== undefined) throw new InvalidInputException(`${INVALID}: ${problem}`);
    const arn = namedArn(ctx.scope, 'filter', name);
    requireFreeArn(ctx, arn, 'filter', name);
    if (ctx.store.listResources('filter', { groupArn }).filter(isLive).length >= ctx.quotas.filtersPerGroup) {
      throw quotaReached(ctx, 'filtersPerGroup', 'filter', ` in dataset group ${groupArn}`);
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
