import { Duration, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as lambdaEventSources from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** The longest SQS keeps a message. */
const MAX_RETENTION = Duration.days(14);

export interface EventQueueProps {
  /** Key that encrypts both queues and the idempotency table. */
  readonly encryptionKey: kms.IKey;
  /** Topic the dead-letter alarm notifies (and tells when it clears). */
  readonly alarmTopic: sns.ITopic;
  /** Deliveries of a message before SQS moves it to the dead-letter queue, 1 to 1000. */
  readonly maxReceiveCount: number;
  /**
   * How long a received message stays hidden from other consumers; at least the consumer's timeout.
   * @default Duration.minutes(6)
   */
  readonly visibilityTimeout?: Duration;
  /** How long the queue keeps a message nobody consumed. @default Duration.days(4) */
  readonly retentionPeriod?: Duration;
  /** How long the dead-letter queue keeps a message, at most 14 days. @default Duration.days(14) */
  readonly deadLetterRetentionPeriod?: Duration;
}

/**
 * A queue of accepted events that loses none: the queue and its dead-letter queue are encrypted with the
 * project key and accept TLS requests only, a message that fails `maxReceiveCount` deliveries moves to the
 * dead-letter queue (kept 14 days), and an alarm tells the alarm topic as soon as one is there. Beside them,
 * the DynamoDB table of idempotency records (partition key `id`, TTL attribute `expiration`, on demand,
 * encrypted with the project key, point-in-time recovery) that keeps a redelivered event from being recorded
 * twice. {@link addConsumer} attaches the function that delivers the messages.
 */
export class EventQueue extends Construct {
  /** The queue the API sends accepted events to. */
  public readonly queue: sqs.Queue;
  /** Where messages go after `maxReceiveCount` failed deliveries. */
  public readonly deadLetterQueue: sqs.Queue;
  /** The idempotency records of delivered events. */
  public readonly idempotencyTable: dynamodb.Table;
  /** In alarm while the dead-letter queue holds a message. */
  public readonly deadLetterAlarm: cloudwatch.Alarm;

  private readonly visibilityTimeout: Duration;

  constructor(scope: Construct, id: string, props: EventQueueProps) {
    super(scope, id);
    validate(props);
    this.visibilityTimeout = props.visibilityTimeout ?? Duration.minutes(6);
    const encryption = { encryption: sqs.QueueEncryption.KMS, encryptionMasterKey: props.encryptionKey };

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      ...encryption,
      enforceSSL: true,
      retentionPeriod: props.deadLetterRetentionPeriod ?? MAX_RETENTION,
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      ...encryption,
      enforceSSL: true,
      visibilityTimeout: this.visibilityTimeout,
      retentionPeriod: props.retentionPeriod ?? Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount },
    });
    this.idempotencyTable = new dynamodb.Table(this, 'IdempotencyTable', {
      partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },
      timeToLiveAttribute: 'expiration',
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: props.encryptionKey,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    });
    this.deadLetterAlarm = this.alarmOnDeadLetters(props);
  }

  /**
   * Delivers the queue's messages to `consumer` in batches of `batchSize`, with partial batch failures: only
   * the messages the function reports as failed return to the queue. Its role gets what the event source
   * needs (receive, delete, change visibility, decrypt).
   */
  public addConsumer(consumer: lambda.Function, batchSize: number): void {
    const timeout = consumer.timeout;
    const visibility = this.visibilityTimeout;
    if (
      timeout &&
      !timeout.isUnresolved() &&
      !visibility.isUnresolved() &&
      timeout.toSeconds() > visibility.toSeconds()
    ) {
      throw new Error(
        `EventQueue.addConsumer: the consumer's timeout (${timeout.toHumanString()}) is longer than the queue's visibilityTimeout (${visibility.toHumanString()}); a message would be delivered again while it is being processed.`,
      );
    }
    consumer.addEventSource(
      new lambdaEventSources.SqsEventSource(this.queue, { batchSize, reportBatchItemFailures: true }),
    );
  }

  private alarmOnDeadLetters(props: EventQueueProps): cloudwatch.Alarm {
    const retentionDays = (props.deadLetterRetentionPeriod ?? MAX_RETENTION).toDays();
    const alarm = new cloudwatch.Alarm(this, 'DeadLetterAlarm', {
      alarmDescription: [
        `Accepted events could not be delivered to Amazon Personalize after ${props.maxReceiveCount} attempts`,
        `and wait in the dead-letter queue ${this.deadLetterQueue.queueName} (kept ${retentionDays} days, then lost).`,
        "Find the cause in the event consumer function's logs (an event Personalize refuses, a missing event",
        'tracker, throttling), fix it, then move the messages back to the event queue with',
        `"aws sqs start-message-move-task --source-arn ${this.deadLetterQueue.queueArn} --destination-arn ${this.queue.queueArn}".`,
        'Events already delivered are skipped (idempotency on eventId).',
      ].join(' '),
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: cloudwatch.Stats.MAXIMUM,
      }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const action = new cloudwatchActions.SnsAction(props.alarmTopic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    return alarm;
  }
}

/** Refuses props SQS would refuse at deployment, naming the prop. */
function validate(props: EventQueueProps): void {
  const receives = props.maxReceiveCount;
  if (!Token.isUnresolved(receives) && (!Number.isInteger(receives) || receives < 1 || receives > 1000)) {
    throw new Error(`EventQueue: maxReceiveCount must be a whole number from 1 to 1000, got ${receives}.`);
  }
  for (const name of ['retentionPeriod', 'deadLetterRetentionPeriod'] as const) {
    const period = props[name];
    if (period && !period.isUnresolved() && period.toSeconds() > MAX_RETENTION.toSeconds()) {
      throw new Error(`EventQueue: ${name} may be at most 14 days, got ${period.toHumanString()}.`);
    }
  }
}
