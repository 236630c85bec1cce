/**
 * Step `summary`: the end of a run. Publishes each evaluated version's offline metrics to CloudWatch
 * (namespace METRICS_NAMESPACE, dimensions Project and Solution), sends a readable summary to SNS
 * (TOPIC_ARN) and a `Pipeline Run Summary` event to EventBridge (EVENT_BUS_NAME, source
 * `personalize-pipeline`), and writes `<PARAMETER_PREFIX>/serving` = `{ campaigns, filters, recipes }`
 * for the real-time API. Status is PARTIAL when a solution failed or did not pass its quality gate,
 * or a batch job failed.
 */
import { PutMetricDataCommand, type MetricDatum } from '@aws-sdk/client-cloudwatch';
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DescribeCampaignCommand } from '@aws-sdk/client-personalize';
import { PublishCommand } from '@aws-sdk/client-sns';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { ssmClient } from '../shared/ssm';
import { eventBridgeClient, snsClient } from '../shared/notifications';
import { cloudWatchClient } from '../shared/metrics';
import { requireEnv } from '../shared/env';
import { logger } from '../shared/logger';
import { campaignName } from '../../core/names';
import {
  type ArnScope,
  describeOrUndefined,
  personalizeArn,
  personalizeClient,
  scopeFromEnv,
  scopeOfArn,
} from '../shared/personalize';
import type { SummaryEvent, SummaryResult } from '../../core/pipeline-contract';
import { filterArns, metricPoints, runStatus, servingParameter, subject, summaryText } from './summary.logic';

const PROJECT_NAME = requireEnv('PROJECT_NAME');
const TOPIC_ARN = requireEnv('TOPIC_ARN');
const EVENT_BUS_NAME = requireEnv('EVENT_BUS_NAME');
const PARAMETER_PREFIX = requireEnv('PARAMETER_PREFIX');
const METRICS_NAMESPACE = requireEnv('METRICS_NAMESPACE');

export const handler = async (event: SummaryEvent): Promise<SummaryResult> => {
  const { results, config } = event;
  const status = runStatus(results.solutions, results.batchJobs);
  const summary = summaryText(event, status);
  const project = config.projectName || PROJECT_NAME;

  const points = metricPoints(results.solutions);
  const timestamp = new Date();
  for (let i = 0; i < points.length; i += 500) {
    const data: MetricDatum[] = points.slice(i, i + 500).map((p) => ({
      MetricName: p.metric,
      Value: p.value,
      Unit: 'None',
      Timestamp: timestamp,
      Dimensions: [
        { Name: 'Project', Value: project },
        { Name: 'Solution', Value: p.solution },
      ],
    }));
    await cloudWatchClient().send(
      new PutMetricDataCommand({ Namespace: METRICS_NAMESPACE, MetricData: data }),
    );
  }

  const scope = scopeOfRun(event);
  const campaigns: Record<string, string> = {};
  for (const solution of config.solutions) {
    if (solution.campaign === undefined) continue;
    const result = results.solutions.find((r) => r.name === solution.name);
    if (result?.campaign) {
      campaigns[solution.name] = result.campaign.campaignArn;
      continue;
    }
    if (scope === undefined) continue;
    // Not deployed in this run (gate failed, error, not selected): keep serving its existing campaign.
    const campaignArn = personalizeArn(scope, 'campaign', campaignName(project, solution.name));
    const existing = await describeOrUndefined(() =>
      personalizeClient().send(new DescribeCampaignCommand({ campaignArn })),
    );
    if (existing?.campaign) campaigns[solution.name] = campaignArn;
  }
  const serving = servingParameter(event, campaigns, filterArns(event, scope));
  await ssmClient().send(
    new PutParameterCommand({
      Name: `${PARAMETER_PREFIX}/serving`,
      Value: JSON.stringify(serving),
      Type: 'String',
      Overwrite: true,
    }),
  );

  await snsClient().send(
    new PublishCommand({
      TopicArn: TOPIC_ARN,
      Subject: subject(`Personalize pipeline ${project} run ${event.runId}: ${status}`),
      Message: summary,
    }),
  );
  const put = await eventBridgeClient().send(
    new PutEventsCommand({
      Entries: [
        {
          Source: 'personalize-pipeline',
          DetailType: 'Pipeline Run Summary',
          EventBusName: EVENT_BUS_NAME,
          Detail: JSON.stringify({
            project,
            runId: event.runId,
            status,
            startedAt: event.startedAt,
            solutions: results.solutions,
            eventTracker: results.eventTracker,
            batchJobs: results.batchJobs ?? [],
            serving,
          }),
        },
      ],
    }),
  );
  if ((put.FailedEntryCount ?? 0) > 0) {
    logger.warn('EventBridge rejected the summary event', { entries: put.Entries });
  }
  logger.info('Run summary', { runId: event.runId, status });
  return { status, summary };
};

/** The ARN scope of the run: from an ARN in its results, else from the function's environment. */
function scopeOfRun(event: SummaryEvent): ArnScope | undefined {
  const arn =
    event.results.solutions.find((r) => r.solutionVersionArn)?.solutionVersionArn ??
    event.results.eventTracker?.eventTrackerArn ??
    event.results.solutions.find((r) => r.campaign)?.campaign?.campaignArn;
  if (arn !== undefined) return scopeOfArn(arn);
  try {
    return scopeFromEnv();
  } catch {
    return undefined;
  }
}
