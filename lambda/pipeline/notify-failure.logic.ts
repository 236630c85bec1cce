/**
 * The `notify-failure` step: the single failure path of the state machine. {@link notifyFailure} publishes
 * the error name and its cause verbatim to SNS and as a `Pipeline Run Failed` event to EventBridge, and
 * returns them for the execution's output. A run stopped by a stage timeout also counts in StageTimeouts.
 */
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { STAGE_TIMEOUT_ERROR } from '../../core/monitoring';
import type { NotifyFailureEvent, NotifyFailureResult } from '../../core/pipeline-contract';
import { logger } from '../shared/logger';
import { causeMessage, pipelineEvent, putPipelineEvent, subject } from '../shared/notifications';

/** What {@link notifyFailure} works with. */
export interface NotifyFailureDeps {
  readonly sns: SNSClient;
  readonly eventBridge: EventBridgeClient;
  /** The deployed project (PROJECT_NAME). */
  readonly projectName: string;
  /** The topic of run notifications (TOPIC_ARN). */
  readonly topicArn: string;
  /** The bus of pipeline events (EVENT_BUS_NAME). */
  readonly eventBusName: string;
  /** Records that a stage outlived its timeout (the StageTimeouts metric). @default - not recorded */
  readonly countStageTimeouts?: (count: number) => void;
}

/** Tells SNS and EventBridge that the run failed, with the error and its cause. */
export async function notifyFailure(
  event: NotifyFailureEvent,
  deps: NotifyFailureDeps,
): Promise<NotifyFailureResult> {
  const error = event.Error ?? 'Unknown';
  const cause = event.Cause ?? '';
  if (error === STAGE_TIMEOUT_ERROR) deps.countStageTimeouts?.(1);
  const run = event.runId !== undefined ? ` run ${event.runId}` : '';
  await deps.sns.send(
    new PublishCommand({
      TopicArn: deps.topicArn,
      Subject: subject(`Personalize pipeline ${deps.projectName}${run} FAILED: ${error}`),
      Message: [
        `Personalize pipeline ${deps.projectName}${run} failed with ${error}.`,
        '',
        causeMessage(cause),
        '',
        `Cause (verbatim): ${cause}`,
      ].join('\n'),
    }),
  );
  await putPipelineEvent(
    deps.eventBridge,
    pipelineEvent(deps.eventBusName, 'Pipeline Run Failed', {
      project: deps.projectName,
      runId: event.runId,
      error,
      cause,
    }),
  );
  logger.error('Pipeline run failed', { runId: event.runId, error, cause });
  return { ...(event.runId !== undefined ? { runId: event.runId } : {}), error, cause };
}
