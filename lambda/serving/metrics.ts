/**
 * The serving functions' own metrics (core/monitoring.ts SERVING_METRICS), published in embedded metric
 * format by lambda/shared/observability.ts when the invocation ends. API keys have no CloudWatch metrics of
 * their own, so the handlers, which know the client of each key, count the requests per client.
 */
import { METRIC_DIMENSIONS, SERVING_METRICS } from '../../core/monitoring';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { MetricUnit, singleMetric } from '../shared/observability';
import type { VariantChoice } from '../../core/experiments/serving';
import type { ServingRequest } from './http';

/**
 * The request counter of each client: a metric written on its own, at once, with the Client dimension as a
 * default dimension, so it never reaches the invocation's other metrics nor, where one process serves
 * requests concurrently (the local API), another request's. One per client (the config's few), made once:
 * a Powertools Metrics instance reads its environment and makes a console when it is created.
 */
const requestCounters = new Map<string, Metrics>();

/** Counts a request that passed routing and the key check: `Requests` with dimensions Project and Client. */
export function countRequest(request: Pick<ServingRequest, 'client'>): void {
  let counter = requestCounters.get(request.client);
  if (!counter) {
    counter = singleMetric();
    counter.setDefaultDimensions({ [METRIC_DIMENSIONS.client]: request.client });
    requestCounters.set(request.client, counter);
  }
  counter.addMetric(SERVING_METRICS.requests.name, MetricUnit[SERVING_METRICS.requests.unit], 1);
}

/** The impression counter of each experiment variant, made once as the request counters are. */
const impressionCounters = new Map<string, Metrics>();

/** Counts the items a variant showed: `Impressions` with dimensions Project, Experiment and Variant. */
export function countImpressions(choice: VariantChoice, shown: number): void {
  let counter = impressionCounters.get(choice.attributionSource);
  if (!counter) {
    counter = singleMetric();
    counter.setDefaultDimensions({
      [METRIC_DIMENSIONS.experiment]: choice.experiment,
      [METRIC_DIMENSIONS.variant]: choice.variant.name,
    });
    impressionCounters.set(choice.attributionSource, counter);
  }
  counter.addMetric(SERVING_METRICS.impressions.name, MetricUnit[SERVING_METRICS.impressions.unit], shown);
}
