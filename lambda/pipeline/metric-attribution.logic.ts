/**
 * The `metric-attribution` step: ensures the dataset group's metric attribution `<project>-attribution` with
 * the config's metrics, its reports written as the Personalize service role to
 * `s3://<bucket>/metric-attribution/` (encrypted with the project key) and its streamed metrics published to
 * CloudWatch by Personalize.
 *
 * - missing: CreateMetricAttribution (it takes no tags);
 * - ACTIVE with other metrics or output: UpdateMetricAttribution, removing the metrics the config no longer has
 *   (or has changed) and adding the new (or changed) ones, with the output when it differs;
 * - CREATE FAILED: deleted, and `ResourceBusy` until the deletion has finished; the retried step creates it again;
 * - being created or deleted, or ResourceInUse on update: `ResourceBusy` (retried with backoff);
 * - another metric attribution in the dataset group (there can be one): `ResourceConflict` naming it.
 *
 * A config without `metricAttribution` leaves an existing one alone (the teardown deletes it).
 */
import {
  CreateMetricAttributionCommand,
  DeleteMetricAttributionCommand,
  DescribeMetricAttributionCommand,
  ListMetricAttributionMetricsCommand,
  ListMetricAttributionsCommand,
  UpdateMetricAttributionCommand,
  type MetricAttribute,
  type MetricAttribution,
  type MetricAttributionOutput,
  type PersonalizeClient,
} from '@aws-sdk/client-personalize';
import { METRIC_ATTRIBUTION_PREFIX, metricAttributionName } from '../../core/names';
import type { MetricAttributionEvent, MetricAttributionResult } from '../../core/pipeline-contract';
import { ResourceBusy, ResourceConflict } from '../shared/errors';
import { logger } from '../shared/logger';
import { pollable } from '../shared/polling';
import {
  CREATING_STATUSES,
  DELETING_STATUSES,
  describeOrUndefined,
  isAlreadyExists,
  isInUse,
  isNotFound,
  listAll,
  personalizeArn,
  scopeOfArn,
  type PersonalizeDeps,
} from '../shared/personalize';

/** What {@link ensureMetricAttribution} works with. */
export interface MetricAttributionDeps extends PersonalizeDeps {
  /** The data bucket the reports go to (BUCKET_NAME). */
  readonly bucket: string;
  /** The project key the reports are encrypted with (KMS_KEY_ARN). */
  readonly kmsKeyArn: string;
  /** The role Personalize writes the reports and publishes the metrics as (PERSONALIZE_ROLE_ARN). */
  readonly personalizeRoleArn: string;
}

/** Creates, updates or keeps the dataset group's metric attribution; returns it for the poll loop. */
export async function ensureMetricAttribution(
  event: MetricAttributionEvent,
  deps: MetricAttributionDeps,
): Promise<MetricAttributionResult> {
  const wanted = event.config.metricAttribution;
  if (wanted === undefined) return { action: 'none', ...pollable([]) };
  const { personalize } = deps;
  const name = metricAttributionName(event.config.projectName);
  const arn = personalizeArn(scopeOfArn(event.datasetGroupArn), 'metric-attribution', name);
  const output = metricsOutput(deps);
  const metrics = wanted.metrics.map((m) => ({ ...m }));
  const done = (action: MetricAttributionResult['action'], extra: object = {}): MetricAttributionResult => ({
    metricAttributionArn: arn,
    action,
    ...extra,
    ...pollable([{ kind: 'metricAttribution', arn }]),
  });

  let existing = await describeAttribution(personalize, arn);
  if (existing === undefined) {
    const other = await otherAttribution(personalize, event.datasetGroupArn, arn);
    if (other !== undefined) {
      throw new ResourceConflict(
        `Dataset group ${event.datasetGroupArn} already has metric attribution ${other}, and a dataset group can have one; delete it so the pipeline can create ${name}.`,
      );
    }
    try {
      await personalize.send(
        new CreateMetricAttributionCommand({
          name,
          datasetGroupArn: event.datasetGroupArn,
          metrics,
          metricsOutputConfig: output,
        }),
      );
      logger.info('Metric attribution created', { metricAttributionArn: arn, metrics: metricNames(metrics) });
      return done('created');
    } catch (error) {
      if (!isAlreadyExists(error)) throw error;
      existing = await describeAttribution(personalize, arn);
      if (existing === undefined) {
        throw new ResourceBusy(
          `Metric attribution ${arn} was created and deleted by another run or person while this run created it; retry.`,
        );
      }
    }
  }
  const status = existing.status ?? 'UNKNOWN';
  if (DELETING_STATUSES.has(status)) {
    throw new ResourceBusy(
      `Metric attribution ${arn} is ${status} (it was deleted outside this run); it is created again once the deletion has finished.`,
    );
  }
  if (status === 'CREATE FAILED') {
    try {
      await personalize.send(new DeleteMetricAttributionCommand({ metricAttributionArn: arn }));
    } catch (error) {
      if (!isNotFound(error) && !isInUse(error)) throw error;
    }
    throw new ResourceBusy(
      `Metric attribution ${arn} failed to create (${existing.failureReason ?? 'no reason given'}); it was deleted and is created again once the deletion has finished.`,
    );
  }
  const current = await listAll(async (nextToken) => {
    const page = await personalize.send(
      new ListMetricAttributionMetricsCommand({ metricAttributionArn: arn, nextToken }),
    );
    return { items: page.metrics, nextToken: page.nextToken };
  });
  const plan = planMetricAttribution(metrics, output, {
    metrics: current,
    output: existing.metricsOutputConfig,
  });
  if (plan === undefined) return done('unchanged');
  if (CREATING_STATUSES.has(status) || status !== 'ACTIVE') {
    throw new ResourceBusy(`Metric attribution ${arn} is ${status}; it can be updated once it is ACTIVE.`);
  }
  try {
    await personalize.send(
      new UpdateMetricAttributionCommand({
        metricAttributionArn: arn,
        ...(plan.add.length > 0 ? { addMetrics: plan.add } : {}),
        ...(plan.remove.length > 0 ? { removeMetrics: plan.remove } : {}),
        ...(plan.output ? { metricsOutputConfig: output } : {}),
      }),
    );
  } catch (error) {
    if (!isInUse(error)) throw error;
    throw new ResourceBusy(
      `Metric attribution ${arn} is busy (${(error as Error).message}); it is updated once it is ACTIVE.`,
    );
  }
  const added = metricNames(plan.add);
  logger.info('Metric attribution updated', { metricAttributionArn: arn, added, removed: plan.remove });
  return done('updated', { added, removed: plan.remove });
}

/** The reports' destination: the metric-attribution prefix of the data bucket, as the Personalize role. */
export function metricsOutput(deps: Omit<MetricAttributionDeps, 'personalize'>): MetricAttributionOutput {
  return {
    roleArn: deps.personalizeRoleArn,
    s3DataDestination: {
      path: `s3://${deps.bucket}/${METRIC_ATTRIBUTION_PREFIX}`,
      kmsKeyArn: deps.kmsKeyArn,
    },
  };
}

/** What UpdateMetricAttribution must send, or `undefined` when nothing differs. */
export interface MetricAttributionPlan {
  readonly add: MetricAttribute[];
  /** Metric names. */
  readonly remove: string[];
  /** Whether the output differs. */
  readonly output: boolean;
}

/**
 * The update that turns the current metrics and output into the wanted ones: a metric whose event type or
 * expression changed is removed and added again (metrics are matched by name); `undefined` when nothing differs.
 */
export function planMetricAttribution(
  wanted: readonly MetricAttribute[],
  wantedOutput: MetricAttributionOutput,
  current: {
    readonly metrics: readonly MetricAttribute[];
    readonly output?: MetricAttributionOutput | undefined;
  },
): MetricAttributionPlan | undefined {
  const same = (a: MetricAttribute, b: MetricAttribute) =>
    a.metricName === b.metricName && a.eventType === b.eventType && a.expression === b.expression;
  const remove = current.metrics
    .filter((m) => !wanted.some((w) => same(w, m)))
    .map((m) => m.metricName ?? '');
  const add = wanted.filter((w) => !current.metrics.some((m) => same(w, m)));
  const output =
    current.output?.roleArn !== wantedOutput.roleArn ||
    current.output?.s3DataDestination?.path !== wantedOutput.s3DataDestination?.path ||
    current.output?.s3DataDestination?.kmsKeyArn !== wantedOutput.s3DataDestination?.kmsKeyArn;
  if (remove.length === 0 && add.length === 0 && !output) return undefined;
  return { add, remove, output };
}

function metricNames(metrics: readonly MetricAttribute[]): string[] {
  return metrics.map((m) => m.metricName ?? '');
}

async function describeAttribution(
  personalize: PersonalizeClient,
  metricAttributionArn: string,
): Promise<MetricAttribution | undefined> {
  return (
    await describeOrUndefined(() =>
      personalize.send(new DescribeMetricAttributionCommand({ metricAttributionArn })),
    )
  )?.metricAttribution;
}

/** Another live metric attribution of the dataset group than `arn`, if there is one. */
async function otherAttribution(
  personalize: PersonalizeClient,
  datasetGroupArn: string,
  arn: string,
): Promise<string | undefined> {
  const all = await listAll(async (nextToken) => {
    const page = await personalize.send(new ListMetricAttributionsCommand({ datasetGroupArn, nextToken }));
    return { items: page.metricAttributions, nextToken: page.nextToken };
  });
  return all.find((a) => a.metricAttributionArn !== arn && !DELETING_STATUSES.has(a.status ?? ''))
    ?.metricAttributionArn;
}
