import { PutMetricDataCommand, type CloudWatchClient, type MetricDatum } from '@aws-sdk/client-cloudwatch';
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { EmulatorContext } from './context';
import type { MetricAttribute } from './documents';
import { Status } from './lifecycle';
import { groupDatasets } from './resources';
import { recommendationSourceKey, sourceKeyOfRecommendationId } from './runtime';
import { parseS3Url } from './s3-location';
import type { ResourceOf, Store, StoredInteraction } from './store';

/**
 * Metric attribution reports. When a dataset group has an ACTIVE metric attribution, every interaction
 * accepted after that (PutEvents, and dataset imports) is measured by each of its metrics whose event
 * type it has: `SAMPLECOUNT()` counts it, `SUM(Items.COL)` adds its item's COL, `SUM(Interactions.COL)`
 * its own COL. Values are grouped by the event's attribution source: its `eventAttributionSource`
 * (PutEvents' `metricAttribution`, or an import's EVENT_ATTRIBUTION_SOURCE column), else the campaign or
 * recommender its `recommendationId` came from, else `SOURCE_NAME_UNDEFINED`, as Personalize does.
 *
 * The running totals are written in the transaction that stores the events, so an accepted event is
 * never lost from them. Reports to publish go to a queue in the same transaction: CloudWatch metric
 * data for streamed events and INCREMENTAL imports (namespace {@link METRIC_NAMESPACE}, dimension
 * `EventAttributionSource`, the metric's name), and, for imports with `publishAttributionMetricsToS3`,
 * an object under the attribution's `s3DataDestination`. {@link ReportPublisher} sends them and
 * removes each once it is accepted, retrying failures, so publishing is best-effort but not lossy.
 */

/** The CloudWatch namespace of attribution metrics. */
export const METRIC_NAMESPACE = 'AWS/Personalize';
/** The source of events that name none. */
export const UNDEFINED_SOURCE = 'SOURCE_NAME_UNDEFINED';
/** The interaction field that carries an event's attribution source. */
export const SOURCE_FIELD = 'EVENT_ATTRIBUTION_SOURCE';

/** A metric's expression, parsed. */
export type MetricFunction =
  | { readonly kind: 'count' }
  | { readonly kind: 'sum'; readonly dataset: 'Items' | 'Interactions'; readonly column: string };

/** Parses `SAMPLECOUNT()` or `SUM(Items.COL)` / `SUM(Interactions.COL)`; undefined when it is neither. */
export function parseExpression(expression: string): MetricFunction | undefined {
  const text = expression.trim();
  if (/^SAMPLECOUNT\(\s*\)$/i.test(text)) return { kind: 'count' };
  const sum = /^SUM\(\s*(Items|Interactions)\.([A-Za-z_][A-Za-z0-9_]*)\s*\)$/i.exec(text);
  if (!sum) return undefined;
  const dataset = (sum[1] ?? '').toLowerCase() === 'items' ? 'Items' : 'Interactions';
  return { kind: 'sum', dataset, column: (sum[2] ?? '').toUpperCase() };
}

/** The ACTIVE metric attribution of a dataset group, if any. */
export function activeAttribution(
  ctx: EmulatorContext,
  groupArn: string,
): ResourceOf<'metricAttribution'> | undefined {
  return ctx.store.listResources('metricAttribution', { groupArn }).find((a) => a.status === Status.ACTIVE);
}

/** The attribution source of an event. */
function sourceOf(ctx: EmulatorContext, row: StoredInteraction, sources: Map<string, string>): string {
  const named = row.fields[SOURCE_FIELD];
  if (typeof named === 'string' && named !== '') return named;
  const key = row.recommendationId ? sourceKeyOfRecommendationId(row.recommendationId) : undefined;
  if (key) {
    if (sources.size === 0) {
      for (const kind of ['campaign', 'recommender'] as const)
        for (const r of ctx.store.listResources(kind)) sources.set(recommendationSourceKey(r.arn), r.arn);
    }
    const arn = sources.get(key);
    if (arn) return arn;
  }
  return UNDEFINED_SOURCE;
}

/** The value an event adds to a metric. */
function valueOf(
  ctx: EmulatorContext,
  fn: MetricFunction,
  row: StoredInteraction,
  itemsArn: string | undefined,
): number {
  if (fn.kind === 'count') return 1;
  let raw: unknown;
  if (fn.dataset === 'Items')
    raw = itemsArn ? ctx.store.entity(itemsArn, row.itemId)?.fields[fn.column] : undefined;
  else raw = fn.column === 'EVENT_VALUE' ? row.eventValue : row.fields[fn.column];
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number(raw) : Number.NaN;
  return Number.isFinite(n) ? n : 0;
}

/** One metric's value for one source. */
export interface AttributionTotal {
  readonly metricName: string;
  readonly source: string;
  readonly value: number;
  readonly samples: number;
}

/** Measures events by an attribution's metrics, grouped by metric and source. */
function measure(
  ctx: EmulatorContext,
  metrics: readonly MetricAttribute[],
  rows: readonly StoredInteraction[],
  itemsArn: string | undefined,
): AttributionTotal[] {
  const sources = new Map<string, string>();
  const totals = new Map<string, { metricName: string; source: string; value: number; samples: number }>();
  for (const metric of metrics) {
    const fn = parseExpression(metric.expression);
    if (!fn) continue;
    for (const row of rows) {
      if (row.eventType !== metric.eventType) continue;
      const source = sourceOf(ctx, row, sources);
      const key = `${metric.metricName}\u0000${source}`;
      const total = totals.get(key) ?? { metricName: metric.metricName, source, value: 0, samples: 0 };
      total.value += valueOf(ctx, fn, row, itemsArn);
      total.samples += 1;
      totals.set(key, total);
    }
  }
  return [...totals.values()];
}

/** Where the reports of a batch of events go. */
export interface ReportTargets {
  /** Publish to CloudWatch (streamed events, INCREMENTAL imports). */
  readonly cloudWatch: boolean;
  /** Write an S3 report named after this import job (imports with `publishAttributionMetricsToS3`). */
  readonly s3Job?: string;
}

/**
 * Measures accepted events for the group's metric attribution: adds them to its totals and queues
 * their reports. Call inside the transaction that stores the events.
 */
export function attributeEvents(
  ctx: EmulatorContext,
  groupArn: string,
  rows: readonly StoredInteraction[],
  targets: ReportTargets,
): void {
  const attribution = activeAttribution(ctx, groupArn);
  if (!attribution || rows.length === 0) return;
  const itemsArn = groupDatasets(ctx, groupArn).get('ITEMS')?.arn;
  const totals = measure(ctx, attribution.doc._metrics, rows, itemsArn);
  if (totals.length === 0) return;
  ctx.store.transaction(() => {
    ctx.store.addAttributionTotals(attribution.arn, totals);
    if (targets.cloudWatch && ctx.reports.cloudWatchEnabled) {
      const timestamp = ctx.now();
      const metricData = totals.map((t) => ({
        MetricName: t.metricName,
        Dimensions: [{ Name: 'EventAttributionSource', Value: t.source }],
        Timestamp: timestamp,
        StatisticValues: { SampleCount: t.samples, Sum: t.value, Minimum: 0, Maximum: t.value },
      }));
      ctx.store.enqueueReport('cloudwatch', { namespace: METRIC_NAMESPACE, metricData });
    }
    const destination = attribution.doc.metricsOutputConfig.s3DataDestination?.path;
    if (targets.s3Job && destination) {
      const body = totals
        .map((t) =>
          JSON.stringify({
            metricAttributionArn: attribution.arn,
            datasetImportJob: targets.s3Job,
            metricName: t.metricName,
            eventAttributionSource: t.source,
            value: t.value,
            sampleCount: t.samples,
          }),
        )
        .join('\n');
      const base = destination.endsWith('/') ? destination : `${destination}/`;
      ctx.store.enqueueReport('s3', { url: `${base}${targets.s3Job}/metrics.json`, body: `${body}\n` });
    }
  });
  ctx.reports.wake();
}

/** Sends queued reports to CloudWatch and S3, retrying failures with a growing pause. */
export class ReportPublisher {
  private running: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private retryMs = 0;
  private stopped = false;

  constructor(
    private readonly store: Store,
    private readonly s3: S3Client,
    private readonly cloudWatch: CloudWatchClient | undefined,
    private readonly log: (message: string) => void,
  ) {}

  /** Whether reports go to CloudWatch (an endpoint is configured). */
  get cloudWatchEnabled(): boolean {
    return this.cloudWatch !== undefined;
  }

  /** Publishes what is queued, soon. */
  wake(): void {
    if (this.stopped || this.running || this.timer) return;
    this.running = this.drain().finally(() => {
      this.running = undefined;
    });
  }

  /** Resolves once the queue is empty or a publish failed (tests). */
  async flush(): Promise<void> {
    this.wake();
    await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private async drain(): Promise<void> {
    while (!this.stopped && this.store.isOpen) {
      const batch = this.store.queuedReports(20);
      if (batch.length === 0) return;
      for (const report of batch) {
        try {
          await this.publish(report.target, report.payload);
        } catch (error) {
          this.retryMs = Math.min(30_000, Math.max(250, this.retryMs * 2));
          this.log(
            `metric attribution report not published yet (retry in ${this.retryMs} ms): ${(error as Error).message}`,
          );
          this.timer = setTimeout(() => {
            this.timer = undefined;
            this.wake();
          }, this.retryMs);
          return;
        }
        this.retryMs = 0;
        if (!this.store.isOpen) return;
        this.store.dequeueReport(report.id);
      }
    }
  }

  private async publish(target: string, payload: unknown): Promise<void> {
    if (target === 'cloudwatch') {
      if (!this.cloudWatch) return;
      const { namespace, metricData } = payload as {
        namespace: string;
        metricData: (Omit<MetricDatum, 'Timestamp'> & { Timestamp: number })[];
      };
      await this.cloudWatch.send(
        new PutMetricDataCommand({
          Namespace: namespace,
          MetricData: metricData.map((d) => ({ ...d, Timestamp: new Date(d.Timestamp * 1000) })),
        }),
      );
      return;
    }
    if (target === 's3') {
      const { url, body } = payload as { url: string; body: string };
      const { bucket, key } = parseS3Url(url);
      await this.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    }
  }
}
