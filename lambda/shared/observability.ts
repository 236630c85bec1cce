/**
 * One instrumentation style for every handler (pipeline steps and serving functions alike): the shared
 * Powertools Logger (./logger.ts), Metrics and Tracer, and {@link instrumented}, the wrapper each handler
 * file exports its handler through.
 *
 * - Metrics go out in CloudWatch embedded metric format (a JSON log line CloudWatch turns into metrics; no
 *   API call, no IAM) in METRICS_NAMESPACE, each with the `Project` dimension (PROJECT_NAME) and nothing
 *   else by default; core/monitoring.ts names the metrics and their dimensions.
 * - The Tracer (./tracing.ts) records each AWS SDK call of a `traced` client as an X-Ray subsegment, and each
 *   invocation as a `## index.handler` subsegment annotated with the cold start, the service and the
 *   correlation keys, so traces can be searched by run id or request id. Outside Lambda (tests, `npm run
 *   demo`, `npm run serve`) Powertools turns tracing off and every call here is a no-op.
 * - Every log line of an invocation carries its correlation keys (the run id of a pipeline step, the API
 *   request id of an API call) and, with a Lambda context, the Lambda request id.
 *
 * METRICS_NAMESPACE and PROJECT_NAME are read at load, so a function deployed without them fails at cold
 * start. Locally, POWERTOOLS_METRICS_DISABLED=true keeps the metric lines off the console.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { METRIC_DIMENSIONS } from '../../core/monitoring';
import { requireEnv } from './env';
import { logger } from './logger';
import { tracer } from './tracing';

export { MetricUnit };
export { traced, tracer } from './tracing';

const PROJECT_DIMENSION = { [METRIC_DIMENSIONS.project]: requireEnv('PROJECT_NAME') };

/** Powertools adds a `service` dimension by default; the project's metrics are identified by Project alone. */
function projectDimensionOnly(target: Metrics): Metrics {
  target.clearDefaultDimensions();
  target.setDefaultDimensions(PROJECT_DIMENSION);
  return target;
}

/** The function's metrics: namespace METRICS_NAMESPACE, default dimension `Project` = PROJECT_NAME only. */
export const metrics = projectDimensionOnly(new Metrics({ namespace: requireEnv('METRICS_NAMESPACE') }));

/**
 * A metric written on its own, at once, with the Project dimension: for a metric with a dimension the
 * invocation's other metrics must not get (and that a concurrent request must not overwrite locally).
 */
export function singleMetric(): Metrics {
  return projectDimensionOnly(metrics.singleMetric());
}

/** The name of the invocation's subsegment: the bundle's handler, as Powertools names it (`## <_HANDLER>`). */
const HANDLER_SUBSEGMENT = '## index.handler';

/** The keys that tie an invocation's log lines and trace to a run or a request; undefined values are left out. */
export type CorrelationKeys = Readonly<Record<string, string | undefined>>;

/** A pipeline step's handler: Lambda passes a context, tests and the local runner may not. */
export type StepHandler<E, R> = (event: E, context?: Context) => Promise<R>;

/** A handler that needs its context (API Gateway and SQS handlers). */
export type ContextHandler<E, R> = (event: E, context: Context) => Promise<R>;

/** The `runId` of a pipeline step's event, when it carries one. */
export function runIdOf(event: unknown): CorrelationKeys {
  const runId = (event as { runId?: unknown } | null | undefined)?.runId;
  return { runId: typeof runId === 'string' ? runId : undefined };
}

/**
 * Wraps a handler so that each invocation logs with its correlation keys (from `correlation`, by default the
 * event's `runId`) and the Lambda context, runs inside its own trace subsegment (errors recorded on it), and
 * publishes the metrics it added, once, when it ends, whether it succeeded or threw.
 */
export function instrumented<E, R>(
  handler: StepHandler<E, R>,
  correlation?: (event: E) => CorrelationKeys,
): StepHandler<E, R>;
export function instrumented<E, R>(
  handler: ContextHandler<E, R>,
  correlation?: (event: E) => CorrelationKeys,
): ContextHandler<E, R>;
export function instrumented<E, R>(
  handler: (event: E, context: Context) => Promise<R>,
  correlation: (event: E) => CorrelationKeys = runIdOf,
): (event: E, context: Context) => Promise<R> {
  return async (event, context) => {
    const keys = Object.fromEntries(
      Object.entries(correlation(event)).filter((entry): entry is [string, string] => entry[1] !== undefined),
    );
    logger.resetKeys();
    if (context) logger.addContext(context);
    logger.appendKeys(keys);

    const segment = tracer?.getSegment();
    const subsegment = segment?.addNewSubsegment(HANDLER_SUBSEGMENT);
    if (tracer) {
      if (subsegment) tracer.setSegment(subsegment);
      tracer.annotateColdStart();
      tracer.addServiceNameAnnotation();
      for (const [key, value] of Object.entries(keys)) tracer.putAnnotation(key, value);
    }
    try {
      return await handler(event, context);
    } catch (error) {
      if (error instanceof Error) tracer?.addErrorAsMetadata(error);
      throw error;
    } finally {
      subsegment?.close();
      if (segment) tracer?.setSegment(segment);
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
      else metrics.clearDimensions();
    }
  };
}
