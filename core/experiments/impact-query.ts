/**
 * The CloudWatch side of the impact report: the GetMetricData queries of an experiment's counts and the counts
 * read back. Impressions are the serving API's `Impressions` metric (namespace METRICS_NAMESPACE, dimensions
 * Project, Experiment, Variant); clicks, conversions and revenue are Personalize's metric attribution metrics
 * (namespace `AWS/Personalize`, dimension `EventAttributionSource` = `<experiment>:<variant>`), under the names
 * the config's `metricAttribution` gives them.
 */
import { METRIC_DIMENSIONS, METRICS_NAMESPACE, SERVING_METRICS } from '../monitoring';
import type { VariantCounts } from './impact';
import { attributionSourceOf, type ServingExperiment } from './serving';

/** Where Personalize publishes metric attribution metrics. */
export const ATTRIBUTION_NAMESPACE = 'AWS/Personalize';

/** The metric attribution metrics that count clicks, conversions and revenue. */
export interface ImpactMetricNames {
  readonly clicks: string;
  readonly conversions: string;
  readonly revenue?: string;
}

/** One GetMetricData query (the SDK's MetricDataQuery shape). */
export interface ImpactQuery {
  readonly Id: string;
  readonly MetricStat: {
    readonly Metric: {
      readonly Namespace: string;
      readonly MetricName: string;
      readonly Dimensions: { Name: string; Value: string }[];
    };
    readonly Period: number;
    readonly Stat: 'Sum';
  };
}

type Measure = keyof Omit<VariantCounts, 'variant'>;

/** The query id of one measure of one variant (ids must start with a lower-case letter). */
function queryId(variantIndex: number, measure: Measure): string {
  return `v${variantIndex}_${measure}`;
}

/** The queries of every variant's impressions, clicks, conversions and revenue over `periodSeconds`. */
export function impactQueries(
  project: string,
  experiment: ServingExperiment,
  names: ImpactMetricNames,
  periodSeconds: number,
): ImpactQuery[] {
  return experiment.variants.flatMap((variant, index) => {
    const source = [
      { Name: 'EventAttributionSource', Value: attributionSourceOf(experiment.name, variant.name) },
    ];
    const attributed = (measure: Measure, metricName: string): ImpactQuery => ({
      Id: queryId(index, measure),
      MetricStat: {
        Metric: { Namespace: ATTRIBUTION_NAMESPACE, MetricName: metricName, Dimensions: source },
        Period: periodSeconds,
        Stat: 'Sum',
      },
    });
    return [
      {
        Id: queryId(index, 'impressions'),
        MetricStat: {
          Metric: {
            Namespace: METRICS_NAMESPACE,
            MetricName: SERVING_METRICS.impressions.name,
            Dimensions: [
              { Name: METRIC_DIMENSIONS.project, Value: project },
              { Name: METRIC_DIMENSIONS.experiment, Value: experiment.name },
              { Name: METRIC_DIMENSIONS.variant, Value: variant.name },
            ],
          },
          Period: periodSeconds,
          Stat: 'Sum',
        },
      },
      attributed('clicks', names.clicks),
      attributed('conversions', names.conversions),
      ...(names.revenue !== undefined ? [attributed('revenue', names.revenue)] : []),
    ];
  });
}

/** Each variant's counts from GetMetricData results (`Id` and the values of its periods, summed). */
export function countsFromResults(
  experiment: ServingExperiment,
  results: readonly { readonly Id?: string; readonly Values?: readonly number[] }[],
): VariantCounts[] {
  const sum = (id: string) =>
    (results.find((r) => r.Id === id)?.Values ?? []).reduce((total, value) => total + value, 0);
  return experiment.variants.map((variant, index) => ({
    variant: variant.name,
    impressions: sum(queryId(index, 'impressions')),
    clicks: sum(queryId(index, 'clicks')),
    conversions: sum(queryId(index, 'conversions')),
    revenue: sum(queryId(index, 'revenue')),
  }));
}

/** CloudWatch GetMetricData, as a function (the SDK client's `send` of a GetMetricDataCommand). */
export type GetMetricData = (input: {
  readonly MetricDataQueries: ImpactQuery[];
  readonly StartTime: Date;
  readonly EndTime: Date;
  readonly NextToken?: string;
}) => Promise<{
  readonly MetricDataResults?: readonly { readonly Id?: string; readonly Values?: readonly number[] }[];
  readonly NextToken?: string;
}>;

/** Each variant's counts between `start` and `end`, read from CloudWatch in one period. */
export async function readExperimentCounts(
  getMetricData: GetMetricData,
  project: string,
  experiment: ServingExperiment,
  names: ImpactMetricNames,
  start: Date,
  end: Date,
): Promise<VariantCounts[]> {
  const periodSeconds = Math.max(60, Math.ceil((end.getTime() - start.getTime()) / 60_000) * 60);
  const queries = impactQueries(project, experiment, names, periodSeconds);
  const results: { Id?: string; Values?: readonly number[] }[] = [];
  let token: string | undefined;
  do {
    const page = await getMetricData({
      MetricDataQueries: queries,
      StartTime: start,
      EndTime: end,
      ...(token !== undefined ? { NextToken: token } : {}),
    });
    for (const result of page.MetricDataResults ?? []) {
      const earlier = results.find((r) => r.Id === result.Id);
      if (earlier) earlier.Values = [...(earlier.Values ?? []), ...(result.Values ?? [])];
      else
        results.push({ ...(result.Id !== undefined ? { Id: result.Id } : {}), Values: result.Values ?? [] });
    }
    token = page.NextToken;
  } while (token !== undefined);
  return countsFromResults(experiment, results);
}
