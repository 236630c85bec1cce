/**
 * The serving functions' own metrics (core/monitoring.ts SERVING_METRICS), published in embedded metric
 * format by lambda/shared/observability.ts when the invocation ends. API keys have no CloudWatch metrics of
 * their own, so the handlers, which know the client of each key, count the requests per client.
 */
import { METRIC_DIMENSIONS, SERVING_METRICS } from '../../core/monitoring';
import { metrics, MetricUnit } from '../shared/observability';
import type { ServingRequest } from './http';

/** Counts a request that passed routing and the key check: `Requests` with dimensions Project and Client. */
export function countRequest(request: Pick<ServingRequest, 'client'>): void {
  metrics.addDimension(METRIC_DIMENSIONS.client, request.client);
  metrics.addMetric(SERVING_METRICS.requests.name, MetricUnit[SERVING_METRICS.requests.unit], 1);
}
