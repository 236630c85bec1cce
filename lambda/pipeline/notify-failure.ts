/**
 * Step `notify-failure`: the failure path of the state machine; tells the topic TOPIC_ARN and the bus
 * EVENT_BUS_NAME that a run of PROJECT_NAME failed (see notify-failure.logic.ts).
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SNSClient } from '@aws-sdk/client-sns';
import type { NotifyFailureEvent, NotifyFailureResult } from '../../core/pipeline-contract';
import { requireEnv } from '../shared/env';
import { instrumented, traced } from '../shared/observability';
import { countStageTimeouts } from './metrics';
import { notifyFailure, type NotifyFailureDeps } from './notify-failure.logic';

const deps: NotifyFailureDeps = {
  sns: traced(new SNSClient({})),
  eventBridge: traced(new EventBridgeClient({})),
  projectName: requireEnv('PROJECT_NAME'),
  topicArn: requireEnv('TOPIC_ARN'),
  eventBusName: requireEnv('EVENT_BUS_NAME'),
  countStageTimeouts,
};

/** The Lambda handler: publishes the run's failure. */
export const handler = instrumented(async (event: NotifyFailureEvent): Promise<NotifyFailureResult> =>
  notifyFailure(event, deps),
);
