import { parseExpression } from '../attribution';
import { namedArn } from '../arn';
import type { EmulatorContext, HandlerTable } from '../context';
import type { MetricAttribute } from '../documents';
import { InvalidInputException, ResourceAlreadyExistsException, ResourceInUseException } from '../errors';
import { Status } from '../lifecycle';
import { METRIC_ATTRIBUTE, METRIC_ATTRIBUTION_OUTPUT } from '../model-shapes';
import {
  beginDelete,
  createResource,
  groupDatasets,
  isLive,
  listPage,
  pick,
  render,
  requireCreated,
  requireFreeArn,
  requireResource,
  schemaFieldsOf,
} from '../resources';
import { listingOf, paginate, type RequestReader } from '../validation';

/**
 * Metric attributions: which events to measure (event type, `SAMPLECOUNT()` or `SUM(Items|Interactions.COL)`)
 * and where reports go. One per dataset group, at most 10 metrics. The measuring and publishing is in
 * ../attribution.ts.
 */

const MAX_METRICS = 10;
const NUMERIC = new Set(['int', 'long', 'float', 'double']);

function readMetrics(input: RequestReader, field: string): MetricAttribute[] | undefined {
  const list = input.optionalList(field, MAX_METRICS);
  return list?.map((raw, i) => METRIC_ATTRIBUTE.read(raw, `${field}.${i + 1}.member`));
}

/** Checks metrics against the group's schemas: known expressions on numeric columns, unique names. */
function checkMetrics(ctx: EmulatorContext, groupArn: string, metrics: readonly MetricAttribute[]): void {
  const datasets = groupDatasets(ctx, groupArn);
  const names = new Set<string>();
  for (const metric of metrics) {
    if (names.has(metric.metricName))
      throw new InvalidInputException(`Metric name ${metric.metricName} is used more than once.`);
    names.add(metric.metricName);
    const fn = parseExpression(metric.expression);
    if (!fn)
      throw new InvalidInputException(
        `Metric ${metric.metricName} has expression ${metric.expression}; use SAMPLECOUNT(), SUM(Items.COLUMN) or SUM(Interactions.COLUMN).`,
      );
    if (fn.kind === 'count') continue;
    const dataset = datasets.get(fn.dataset === 'Items' ? 'ITEMS' : 'INTERACTIONS');
    const fields = dataset ? schemaFieldsOf(ctx, dataset) : undefined;
    if (!fields)
      throw new InvalidInputException(
        `Metric ${metric.metricName} sums ${fn.dataset}.${fn.column}, but dataset group ${groupArn} has no ${fn.dataset} dataset.`,
      );
    const field = fields.find((f) => f.name === fn.column);
    if (!field || !NUMERIC.has(field.type))
      throw new InvalidInputException(
        `Metric ${metric.metricName} sums ${fn.dataset}.${fn.column}, which is not a numeric column of the ${fn.dataset} schema.`,
      );
  }
}

/** CreateMetricAttribution, Describe/List/Update/DeleteMetricAttribution, ListMetricAttributionMetrics. */
export const metricAttributionOperations: HandlerTable = {
  CreateMetricAttribution(ctx, input, req) {
    const name = input.name();
    const groupArn = input.arn('datasetGroupArn');
    const metrics = readMetrics(input, 'metrics');
    const output = input.optionalShape('metricsOutputConfig', METRIC_ATTRIBUTION_OUTPUT);
    if (!metrics)
      throw new InvalidInputException(
        "1 validation error detected: Value null at 'metrics' failed to satisfy constraint: Member must not be null",
      );
    if (!output)
      throw new InvalidInputException(
        "1 validation error detected: Value null at 'metricsOutputConfig' failed to satisfy constraint: Member must not be null",
      );
    const group = requireResource(ctx, groupArn, 'datasetGroup');
    if (group.status !== Status.ACTIVE)
      throw new ResourceInUseException(`Dataset group ${groupArn} is not ACTIVE (status: ${group.status}).`);
    const arn = namedArn(ctx.scope, 'metricAttribution', name);
    requireFreeArn(ctx, arn, 'metricAttribution', name);
    const existing = ctx.store.listResources('metricAttribution', { groupArn }).find(isLive);
    if (existing)
      throw new ResourceAlreadyExistsException(
        `Dataset group ${groupArn} already has metric attribution ${existing.arn}; a dataset group can have one.`,
      );
    const interactions = groupDatasets(ctx, groupArn).get('INTERACTIONS');
    const fields = interactions ? schemaFieldsOf(ctx, interactions) : undefined;
    if (fields && !fields.some((f) => f.name === 'EVENT_TYPE'))
      throw new InvalidInputException(
        `The Interactions dataset of ${groupArn} has no EVENT_TYPE column, which a metric attribution needs.`,
      );
    checkMetrics(ctx, groupArn, metrics);
    createResource(ctx, req, {
      kind: 'metricAttribution',
      arn,
      name,
      parentArn: groupArn,
      groupArn,
      doc: {
        name,
        metricAttributionArn: arn,
        datasetGroupArn: groupArn,
        metricsOutputConfig: output,
        _metrics: metrics,
      },
    });
    return { metricAttributionArn: arn };
  },

  DescribeMetricAttribution(ctx, input) {
    const row = requireResource(ctx, input.arn('metricAttributionArn'), 'metricAttribution');
    return { metricAttribution: render(row) };
  },

  ListMetricAttributions(ctx, input) {
    const groupArn = input.optionalArn('datasetGroupArn');
    const rows = ctx.store.listResources('metricAttribution', groupArn ? { groupArn } : {});
    return listPage(
      input,
      rows,
      'metricAttributions',
      (row) =>
        pick(render(row), [
          'name',
          'metricAttributionArn',
          'status',
          'creationDateTime',
          'lastUpdatedDateTime',
          'failureReason',
        ]),
      [groupArn],
    );
  },

  ListMetricAttributionMetrics(ctx, input) {
    const arn = input.optionalArn('metricAttributionArn');
    const maxResults = input.maxResults();
    const listing = listingOf('metrics', [arn]);
    const offset = input.offset(listing);
    const row = arn ? ctx.store.getResource(arn, 'metricAttribution') : undefined;
    if (arn && !row) throw new InvalidInputException(`Metric attribution ${arn} does not exist.`);
    const { page, nextToken } = paginate(row?.doc._metrics ?? [], offset, maxResults, listing);
    return { metrics: page, ...(nextToken ? { nextToken } : {}) };
  },

  UpdateMetricAttribution(ctx, input) {
    const arn = input.arn('metricAttributionArn');
    const addMetrics = readMetrics(input, 'addMetrics') ?? [];
    const removeMetrics = (input.optionalList('removeMetrics', MAX_METRICS) ?? []).map((v, i) => {
      if (typeof v !== 'string' || v.length > 256)
        throw new InvalidInputException(`removeMetrics.${i + 1} must be a metric name.`);
      return v;
    });
    const output = input.optionalShape('metricsOutputConfig', METRIC_ATTRIBUTION_OUTPUT);
    const row = requireResource(ctx, arn, 'metricAttribution');
    if (row.status !== Status.ACTIVE)
      throw new ResourceInUseException(
        `Metric attribution ${arn} is in status ${row.status}; it can be updated only when ACTIVE.`,
      );
    const current = row.doc._metrics;
    for (const name of removeMetrics)
      if (!current.some((m) => m.metricName === name))
        throw new InvalidInputException(`Metric attribution ${arn} has no metric named ${name} to remove.`);
    const kept = current.filter((m) => !removeMetrics.includes(m.metricName));
    for (const metric of addMetrics)
      if (kept.some((m) => m.metricName === metric.metricName))
        throw new ResourceAlreadyExistsException(
          `Metric attribution ${arn} already has a metric named ${metric.metricName}.`,
        );
    const metrics = [...kept, ...addMetrics];
    if (metrics.length > MAX_METRICS)
      throw new InvalidInputException(
        `A metric attribution has at most ${MAX_METRICS} metrics; this update would leave ${metrics.length}.`,
      );
    checkMetrics(ctx, row.doc.datasetGroupArn, metrics);
    ctx.store.updateResource(row, {
      doc: { ...row.doc, _metrics: metrics, ...(output ? { metricsOutputConfig: output } : {}) },
      updatedAt: ctx.now(),
    });
    return { metricAttributionArn: arn };
  },

  DeleteMetricAttribution(ctx, input) {
    const row = requireResource(ctx, input.arn('metricAttributionArn'), 'metricAttribution');
    requireCreated(row);
    beginDelete(ctx, row);
    return {};
  },
};
