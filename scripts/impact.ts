/**
 * `npm run impact`: each experiment's result, per variant: impressions, clicks, conversions and revenue, the
 * click-through and conversion rates with 95 % intervals, and whether each variant's difference from the
 * baseline (the first variant) is significant. Reads CloudWatch: the serving API's `Impressions` and
 * Personalize's metric attribution metrics (core/experiments/impact-query.ts), for the AWS account and Region
 * of the environment (or moto, with AWS_ENDPOINT_URL set).
 *
 *   npm run impact -- --config personalize.config.json --hours 168
 *   npm run impact -- --clicks CLICKS --conversions PURCHASES --revenue REVENUE   # the metric names to read
 */
import { parseArgs } from 'node:util';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { loadConfig, type PipelineConfig } from '../core/config';
import { experimentImpact, formatImpact } from '../core/experiments/impact';
import { type ImpactMetricNames, readExperimentCounts } from '../core/experiments/impact-query';

/** Each experiment of a config, reported over [start, end). */
export async function impactReports(
  cloudWatch: CloudWatchClient,
  config: PipelineConfig,
  names: ImpactMetricNames,
  start: Date,
  end: Date,
): Promise<string[]> {
  const reports: string[] = [];
  for (const experiment of config.serving?.experiments ?? []) {
    const counts = await readExperimentCounts(
      (input) => cloudWatch.send(new GetMetricDataCommand(input)),
      config.projectName,
      experiment,
      names,
      start,
      end,
    );
    reports.push(
      formatImpact(experiment.name, experimentImpact(counts, { baseline: experiment.variants[0]?.name })),
    );
  }
  return reports;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      config: { type: 'string', default: 'personalize.config.json' },
      hours: { type: 'string', default: '168' },
      clicks: { type: 'string', default: 'CLICKS' },
      conversions: { type: 'string', default: 'PURCHASES' },
      revenue: { type: 'string', default: 'REVENUE' },
    },
    strict: true,
  });
  const hours = Number(values.hours);
  if (!Number.isFinite(hours) || hours <= 0)
    throw new Error(`--hours: "${values.hours}" is not a number of hours`);
  const config = loadConfig(values.config);
  if ((config.serving?.experiments ?? []).length === 0) {
    console.log(`${values.config} has no serving.experiments: nothing to report.`);
    return;
  }
  const end = new Date();
  const cloudWatch = new CloudWatchClient({});
  try {
    const reports = await impactReports(
      cloudWatch,
      config,
      { clicks: values.clicks, conversions: values.conversions, revenue: values.revenue },
      new Date(end.getTime() - hours * 3_600_000),
      end,
    );
    console.log(`Experiments of ${config.projectName}, the last ${hours} hours:\n\n${reports.join('\n\n')}`);
  } finally {
    cloudWatch.destroy();
  }
}

if (require.main === module)
  main().catch((error: unknown) => {
    console.error((error as Error).message);
    process.exitCode = 1;
  });
