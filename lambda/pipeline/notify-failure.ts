/**
 * Step `notify-failure`: the single failure path of the state machine. Publishes the error name and
 * its cause verbatim to SNS (TOPIC_ARN) and as a `Pipeline Run Failed` event to EventBridge
 * (EVENT_BUS_NAME, source `personalize-pipeline`), and returns them for the execution's output.
 */
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PublishCommand } from '@aws-sdk/client-sns';
import { eventBridgeClient, snsClient } from '../shared/notifications';
import { requireEnv } from '../shared/env';
import { logger } from '../shared/logger';
import type { NotifyFailureEvent, NotifyFailureResult } from '../../core/pipeline-contract';
import { causeMessage, subject } from './summary.logic';

const PROJECT_NAME = requireEnv('PROJECT_NAME');
const TOPIC_ARN = requireEnv('TOPIC_ARN');
const EVENT_BUS_NAME = requireEnv('EVENT_BUS_NAME');

export const handler = async (event: NotifyFailureEvent): Promise<NotifyFailureResult> => {
  const error = event.Error ?? 'Unknown';
  const cause = event.Cause ?? '';
  const run = event.runId !== undefined ? ` run ${event.runId}` : '';
  await snsClient().send(
    new PublishCommand({
      TopicArn: TOPIC_ARN,
      Subject: subject(`Personalize pipeline ${PROJECT_NAME}${run} FAILED: ${error}`),
      Message: [
        `Personalize pipeline ${PROJECT_NAME}${run} failed with ${error}.`,
        '',
        causeMessage(cause),
        '',
        `Cause (verbatim): ${cause}`,
      ].join('\n'),
    }),
  );
  await eventBridgeClient().send(
    new PutEventsCommand({
      Entries: [
        {
          Source: 'personalize-pipeline',
          DetailType: 'Pipeline Run Failed',
          EventBusName: EVENT_BUS_NAME,
          Detail: JSON.stringify({ project: PROJECT_NAME, runId: event.runId, error, cause }),
        },
      ],
    }),
  );
  logger.error('Pipeline run failed', { runId: event.runId, error, cause });
  return { ...(event.runId !== undefined ? { runId: event.runId } : {}), error, cause };
};
