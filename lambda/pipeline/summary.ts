/**
 * Step `summary`: the end of a run; publishes metrics to METRICS_NAMESPACE, the serving parameter under
 * PARAMETER_PREFIX, the summary to TOPIC_ARN and an event to EVENT_BUS_NAME (see summary.logic.ts).
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { PersonalizeClient } from '@aws-sdk/client-personalize';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { SummaryEvent, SummaryResult } from '../../core/pipeline-contract';
import { requireEnv } from '../shared/env';
import { instrumented, traced } from '../shared/observability';
import { scopeFromEnv } from '../shared/personalize';
import { countStageTimeouts } from './metrics';
import { summarizeRun, type SummaryDeps } from './summary.logic';

const deps: SummaryDeps = {
  personalize: traced(new PersonalizeClient({})),
  ssm: traced(new SSMClient({})),
  sns: traced(new SNSClient({})),
  eventBridge: traced(new EventBridgeClient({})),
  cloudWatch: traced(new CloudWatchClient({})),
  scope: scopeFromEnv(),
  projectName: requireEnv('PROJECT_NAME'),
  topicArn: requireEnv('TOPIC_ARN'),
  eventBusName: requireEnv('EVENT_BUS_NAME'),
  parameterPrefix: requireEnv('PARAMETER_PREFIX'),
  metricsNamespace: requireEnv('METRICS_NAMESPACE'),
  countStageTimeouts,
};

/** The Lambda handler: publishes the run's summary. */
export const handler = instrumented(async (event: SummaryEvent): Promise<SummaryResult> =>
  summarizeRun(event, deps),
);
