/**
 * The project's own CloudWatch metrics, named once for the code that publishes them (lambda/) and the
 * dashboard and alarms that read them (lib/stacks/monitoring-stack.ts), so neither can rename a metric or a
 * dimension without the other following.
 *
 * - Offline metrics: the `summary` step puts each evaluated solution version's offline metrics
 *   (`GetSolutionMetrics` names, e.g. `normalized_discounted_cumulative_gain_at_10`) with PutMetricData,
 *   dimensions {@link OFFLINE_METRIC_DIMENSIONS}.
 * - Pipeline metrics: the `summary` and `notify-failure` steps publish {@link PIPELINE_METRICS} in CloudWatch
 *   embedded metric format (Powertools Metrics).
 * - Serving metrics: the API handlers publish {@link SERVING_METRICS} in CloudWatch embedded metric format
 *   (Powertools Metrics) with the dimensions each one lists; every metric a function publishes that way carries
 *   the `Project` dimension.
 */
import type { QualityMetric } from './config/schema';

/** The namespace of every metric the project publishes; functions may put metrics in no other. */
export const METRICS_NAMESPACE = 'PersonalizePipeline';

/** Dimension names of the project's metrics. */
export const METRIC_DIMENSIONS = {
  /** The config's `projectName`: several projects may share an account and the namespace. */
  project: 'Project',
  /** A config solution's `name`. */
  solution: 'Solution',
  /** A `serving.clients[].name`: the client application whose API key the request came with. */
  client: 'Client',
  /** A `serving.experiments[].name`. */
  experiment: 'Experiment',
  /** A variant of an experiment. */
  variant: 'Variant',
} as const;

/** The dimensions of an offline metric point, in the order the summary step puts them. */
export const OFFLINE_METRIC_DIMENSIONS = [METRIC_DIMENSIONS.project, METRIC_DIMENSIONS.solution] as const;

/** The offline metrics the dashboard charts over time, one widget each. */
export const DASHBOARD_OFFLINE_METRICS: readonly QualityMetric[] = [
  'normalized_discounted_cumulative_gain_at_10',
  'precision_at_25',
  'coverage',
];

/** A metric the functions publish in embedded metric format, with the dimensions it carries. */
export interface FunctionMetric {
  readonly name: string;
  readonly unit: 'Count';
  readonly dimensions: readonly string[];
  /** What one data point means. */
  readonly description: string;
}

/** The metrics the serving functions publish (embedded metric format). */
export const SERVING_METRICS = {
  requests: {
    name: 'Requests',
    unit: 'Count',
    dimensions: [METRIC_DIMENSIONS.project, METRIC_DIMENSIONS.client],
    description: 'one request an API handler answered for a client whose key may call the route',
  },
  impressions: {
    name: 'Impressions',
    unit: 'Count',
    dimensions: [METRIC_DIMENSIONS.project, METRIC_DIMENSIONS.experiment, METRIC_DIMENSIONS.variant],
    description:
      'the items an experiment variant showed, one per item of each answer (the denominator of its rates)',
  },
} as const satisfies Record<string, FunctionMetric>;

/** The name of the error a stage that outlives its `timeouts` minutes raises (lambda/shared/errors.ts). */
export const STAGE_TIMEOUT_ERROR = 'StageTimeout';

/** The metrics the pipeline steps publish (embedded metric format). */
export const PIPELINE_METRICS = {
  stageTimeouts: {
    name: 'StageTimeouts',
    unit: 'Count',
    dimensions: [METRIC_DIMENSIONS.project],
    description:
      'stages that outlived their timeouts minutes in a run: the run itself (notify-failure) or a solution or batch job branch (summary)',
  },
} as const satisfies Record<string, FunctionMetric>;
