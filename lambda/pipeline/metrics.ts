/**
 * The pipeline steps' own metrics (core/monitoring.ts PIPELINE_METRICS), published in embedded metric format by
 * lambda/shared/observability.ts when the invocation ends. Handlers hand these to their logic as deps.
 */
import { PIPELINE_METRICS } from '../../core/monitoring';
import { metrics, MetricUnit } from '../shared/observability';

/** Counts stages of the run that outlived their timeout (`StageTimeouts`, dimension Project); none: nothing. */
export function countStageTimeouts(count: number): void {
  if (count > 0) metrics.addMetric(PIPELINE_METRICS.stageTimeouts.name, MetricUnit.Count, count);
}
