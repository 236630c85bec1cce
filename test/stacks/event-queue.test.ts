import { Duration, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EventQueue, type EventQueueProps } from '../../lib/constructs/event-queue';
import { testApp } from '../util/app';

function build(overrides: Partial<EventQueueProps> = {}): { stack: Stack; queue: EventQueue } {
  const stack = new Stack(testApp(), 'Events');
  const queue = new EventQueue(stack, 'Events', {
    encryptionKey: new kms.Key(stack, 'Key'),
    alarmTopic: new sns.Topic(stack, 'Topic'),
    maxReceiveCount: 5,
    ...overrides,
  });
  return { stack, queue };
}

function consumer(stack: Stack, timeout: Duration): lambda.Function {
  return new lambda.Function(stack, 'Consumer', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('export const handler = async () => ({});'),
    timeout,
  });
}

describe('EventQueue', () => {
  test.each([0, 1001, 2.5])('refuses maxReceiveCount %p, naming it', (maxReceiveCount) => {
    expect(() => build({ maxReceiveCount })).toThrow(/maxReceiveCount must be a whole number from 1 to 1000/);
  });

  test('refuses a dead-letter retention SQS cannot keep, naming it', () => {
    expect(() => build({ deadLetterRetentionPeriod: Duration.days(15) })).toThrow(
      /deadLetterRetentionPeriod may be at most 14 days/,
    );
  });

  test('refuses a consumer that runs longer than a message stays hidden', () => {
    const { stack, queue } = build({ visibilityTimeout: Duration.minutes(1) });

    expect(() => queue.addConsumer(consumer(stack, Duration.minutes(2)), 10)).toThrow(
      /timeout \(2 minutes\) is longer than the queue's visibilityTimeout \(1 minute\)/,
    );
  });
});
