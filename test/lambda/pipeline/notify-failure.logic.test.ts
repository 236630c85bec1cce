/** The failure path counts a run a stage timeout stopped, and only such a run, in StageTimeouts. */
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { SNSClient } from '@aws-sdk/client-sns';
import { notifyFailure } from '../../../lambda/pipeline/notify-failure.logic';

/** A client that accepts every command; what is sent is the handler test's concern (against moto). */
const accepting = { send: async () => ({}) };

describe('notifyFailure', () => {
  test.each([
    ['StageTimeout', [1]],
    ['ResourceFailed', []],
  ])('a run that failed with %s counts %j stage timeouts', async (error, counted) => {
    // Prepare
    const counts: number[] = [];

    // Act
    await notifyFailure(
      { runId: '20260101000000', Error: error, Cause: '{}' },
      {
        sns: accepting as unknown as SNSClient,
        eventBridge: accepting as unknown as EventBridgeClient,
        projectName: 'p',
        topicArn: 'arn:aws:sns:eu-west-1:111122223333:t',
        eventBusName: 'default',
        countStageTimeouts: (count) => counts.push(count),
      },
    );

    // Assess
    expect(counts).toEqual(counted);
  });
});
