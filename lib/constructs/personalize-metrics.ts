/**
 * Amazon Personalize's own CloudWatch metrics (namespace `AWS/Personalize`) for the project's campaigns and
 * event tracker, built with a cdk-monitoring-constructs MetricFactory so they share the dashboard's defaults.
 * cdk-monitoring-constructs has no Personalize monitoring of its own; the names and dimensions are those of
 * https://docs.aws.amazon.com/personalize/latest/dg/cloudwatch-metrics.html:
 *
 * - a campaign's runtime calls, dimension `CampaignArn`: `GetRecommendations` (count, Sum only),
 *   `GetRecommendationsLatency` (ms), `GetRecommendations4xxErrors`, `GetRecommendations5xxErrors`, and the
 *   same four for `GetPersonalizedRanking` on campaigns of ranking recipes;
 * - the event tracker's PutEvents calls, dimensions `DatasetGroupArn`, `DatasetArn` (the Interactions
 *   dataset) and `EventTrackerArn`: `PutEventsRequests`, `PutEvents4xxErrors`, `PutEvents5xxErrors`,
 *   `PutEventLatency` (ms).
 *
 * The ARNs are built from the config with core/names.ts, the same names the pipeline creates and the IAM
 * policies are scoped to.
 */
import type { Duration } from 'aws-cdk-lib';
import type { DimensionsMap } from 'aws-cdk-lib/aws-cloudwatch';
import { type MetricFactory, MetricStatistic, type MetricWithAlarmSupport } from 'cdk-monitoring-constructs';
import type { PipelineConfig } from '../../core/config/schema';
import { campaignName, datasetGroupName, eventTrackerName } from '../../core/names';
import { findRecipe, type RuntimeApi } from '../../core/recipes';
import { PERSONALIZE_ARN_PREFIX } from './names';

/** The namespace Personalize publishes its metrics to. */
export const PERSONALIZE_NAMESPACE = 'AWS/Personalize';

/** The runtime operations whose campaign metrics Personalize publishes. */
export type MeteredRuntimeApi = Extract<RuntimeApi, 'GetRecommendations' | 'GetPersonalizedRanking'>;

/** A campaign the pipeline deploys, as its metrics identify it. */
export interface MonitoredCampaign {
  /** The config solution's name, the campaign's label on the dashboard. */
  readonly solution: string;
  /** `arn:<partition>:personalize:<region>:<account>:campaign/<project>-<solution>`. */
  readonly campaignArn: string;
  /** The operation the campaign answers, which names its metrics. */
  readonly api: MeteredRuntimeApi;
}

/**
 * Every campaign the config deploys (solutions with a `campaign`) whose recipe answers GetRecommendations or
 * GetPersonalizedRanking, the two operations Personalize publishes campaign metrics for.
 */
export function monitoredCampaigns(config: PipelineConfig): MonitoredCampaign[] {
  return config.solutions.flatMap((solution) => {
    const api = findRecipe(solution.recipe)?.runtimeApi;
    if (solution.campaign === undefined || (api !== 'GetRecommendations' && api !== 'GetPersonalizedRanking'))
      return [];
    const campaignArn = `${PERSONALIZE_ARN_PREFIX}campaign/${campaignName(config.projectName, solution.name)}`;
    return [{ solution: solution.name, campaignArn, api }];
  });
}

/** The dimensions of the event tracker's PutEvents metrics, or undefined when the config has none. */
export function eventTrackerDimensions(config: PipelineConfig): DimensionsMap | undefined {
  if (!config.eventTracker.enabled) return undefined;
  const group = datasetGroupName(config.projectName);
  return {
    DatasetGroupArn: `${PERSONALIZE_ARN_PREFIX}dataset-group/${group}`,
    DatasetArn: `${PERSONALIZE_ARN_PREFIX}dataset/${group}/INTERACTIONS`,
    EventTrackerArn: `${PERSONALIZE_ARN_PREFIX}event-tracker/${eventTrackerName(config.projectName)}`,
  };
}

/** Metrics of `AWS/Personalize`, labelled and with the factory's period unless given one. */
export class PersonalizeMetricFactory {
  constructor(
    private readonly metricFactory: MetricFactory,
    private readonly period?: Duration,
  ) {}

  /** Successful runtime calls of the campaign. */
  campaignRequests(campaign: MonitoredCampaign): MetricWithAlarmSupport {
    return this.campaignMetric(campaign, campaign.api, MetricStatistic.SUM);
  }

  /** Average time Personalize took to answer the campaign's successful calls, in ms. */
  campaignLatency(campaign: MonitoredCampaign): MetricWithAlarmSupport {
    return this.campaignMetric(campaign, `${campaign.api}Latency`, MetricStatistic.AVERAGE);
  }

  /** Calls of the campaign answered with a 4xx (`kind: '4xx'`) or a 5xx. */
  campaignErrors(campaign: MonitoredCampaign, kind: '4xx' | '5xx'): MetricWithAlarmSupport {
    return this.campaignMetric(campaign, `${campaign.api}${kind}Errors`, MetricStatistic.SUM, kind);
  }

  /** Successful PutEvents calls of the event tracker. */
  putEventsRequests(dimensions: DimensionsMap): MetricWithAlarmSupport {
    return this.eventTrackerMetric('PutEventsRequests', 'PutEvents', dimensions);
  }

  /** PutEvents calls of the event tracker answered with a 4xx or a 5xx. */
  putEventsErrors(dimensions: DimensionsMap, kind: '4xx' | '5xx'): MetricWithAlarmSupport {
    return this.eventTrackerMetric(`PutEvents${kind}Errors`, `PutEvents ${kind}`, dimensions);
  }

  private campaignMetric(
    campaign: MonitoredCampaign,
    metricName: string,
    statistic: MetricStatistic,
    suffix?: string,
  ): MetricWithAlarmSupport {
    return this.metricFactory.createMetric(
      metricName,
      statistic,
      suffix ? `${campaign.solution} ${suffix}` : campaign.solution,
      { CampaignArn: campaign.campaignArn },
      undefined,
      PERSONALIZE_NAMESPACE,
      this.period,
    );
  }

  private eventTrackerMetric(
    metricName: string,
    label: string,
    dimensions: DimensionsMap,
  ): MetricWithAlarmSupport {
    return this.metricFactory.createMetric(
      metricName,
      MetricStatistic.SUM,
      label,
      dimensions,
      undefined,
      PERSONALIZE_NAMESPACE,
      this.period,
    );
  }
}
