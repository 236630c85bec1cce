/**
 * The local stand-in for CloudWatch's reading of the serving functions' embedded-metric-format output, for the
 * one metric the impact report needs: the `Impressions` of each experiment variant. In AWS, the recommendations
 * function writes them as EMF log lines (lambda/serving/metrics.ts) and CloudWatch turns them into metrics;
 * locally the functions' metrics are off, so the gateway counts the items of each answer that names its
 * variant and sends the sums to CloudWatch (moto) with PutMetricData: same namespace, name and dimensions.
 */
import { type CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { METRIC_DIMENSIONS, METRICS_NAMESPACE, SERVING_METRICS } from '../../core/monitoring';

/** How often the counted impressions are sent. */
const FLUSH_INTERVAL_MS = 1000;

export class ImpressionRecorder {
  private readonly pending = new Map<string, { experiment: string; variant: string; count: number }>();
  private readonly timer: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly cloudWatch: CloudWatchClient,
    private readonly project: string,
    private readonly log: (line: string) => void,
  ) {
    this.timer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  /** Counts the items of a recommendations answer that names its experiment variant. */
  record(responseBody: string | undefined): void {
    if (responseBody === undefined || !responseBody.includes('"experiment"')) return;
    const body = JSON.parse(responseBody) as {
      items?: unknown[];
      experiment?: { name?: string; variant?: string };
    };
    const { name, variant } = body.experiment ?? {};
    if (name === undefined || variant === undefined) return;
    const key = `${name}\u0000${variant}`;
    const entry = this.pending.get(key) ?? { experiment: name, variant, count: 0 };
    entry.count += body.items?.length ?? 0;
    this.pending.set(key, entry);
  }

  /** Sends what was counted; counts a failed send again at the next flush. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(async () => {
      const entries = [...this.pending.values()];
      this.pending.clear();
      if (entries.length === 0) return;
      try {
        await this.cloudWatch.send(
          new PutMetricDataCommand({
            Namespace: METRICS_NAMESPACE,
            MetricData: entries.map((entry) => ({
              MetricName: SERVING_METRICS.impressions.name,
              Unit: SERVING_METRICS.impressions.unit,
              Value: entry.count,
              Dimensions: [
                { Name: METRIC_DIMENSIONS.project, Value: this.project },
                { Name: METRIC_DIMENSIONS.experiment, Value: entry.experiment },
                { Name: METRIC_DIMENSIONS.variant, Value: entry.variant },
              ],
            })),
          }),
        );
      } catch (error) {
        for (const entry of entries) {
          const key = `${entry.experiment}\u0000${entry.variant}`;
          const waiting = this.pending.get(key);
          this.pending.set(key, { ...entry, count: entry.count + (waiting?.count ?? 0) });
        }
        this.log(`serving API: impressions not sent to CloudWatch yet (${(error as Error).message})`);
      }
    });
    return this.flushing;
  }

  /** Sends the rest and stops. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
