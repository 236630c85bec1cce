/**
 * The event queue's Lambda event source mapping, locally: polls the queue in moto, invokes the consumer
 * handler with an SQS event of up to `batchSize` messages, and deletes only the messages the handler did
 * not report as failed. Failed messages become visible again after the visibility timeout, and moto moves
 * a message to the dead-letter queue once it was received maxReceiveCount times (the queue's redrive
 * policy), as SQS does.
 */
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { LOCAL_REGION } from '../harness/env';
import { lambdaContext } from './gateway';

/** The consumer handler's signature. */
export type QueueHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/** Options of {@link LocalEventConsumer}. */
export interface LocalEventConsumerOptions {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly handler: QueueHandler;
  /** Messages per invocation. @default 10 */
  readonly batchSize?: number;
  /** How long received messages stay invisible; failed ones come back after it. @default 2 s */
  readonly visibilityTimeoutSeconds?: number;
  /** Pause between polls of an empty queue. @default 200 ms */
  readonly pollIntervalMs?: number;
  /** The time each invocation has (Lambda timeout). @default 30 s */
  readonly timeoutMs?: number;
  /** Receives a line per problem. @default silent */
  readonly log?: (line: string) => void;
}

/** Counts since the consumer was created. */
export interface ConsumerStats {
  /** Invocations of the handler. */
  invocations: number;
  /** Messages deleted after the handler processed them. */
  processed: number;
  /** Messages the handler reported failed (left for redelivery). */
  failed: number;
  /** Messages of invocations abandoned by `stop({ abandonInFlight: true })` (left for redelivery). */
  abandoned: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** An SQS event record for a received message, as Lambda builds it. */
export function toSqsRecord(message: Message, queueArn: string): SQSRecord {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: LOCAL_REGION,
  };
}

/** The queue's event source mapping: start, stop (gracefully or as a crash), wait until drained. */
export class LocalEventConsumer {
  /** Counts since the consumer was created. */
  readonly stats: ConsumerStats = { invocations: 0, processed: 0, failed: 0, abandoned: 0 };
  private running = false;
  private abandon = false;
  private invoking = false;
  private loop: Promise<void> | undefined;

  constructor(private readonly options: LocalEventConsumerOptions) {}

  /** True while polling. */
  get isRunning(): boolean {
    return this.running;
  }

  /** True while the handler runs. */
  get inFlight(): boolean {
    return this.invoking;
  }

  /** Starts polling (no-op when running). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.abandon = false;
    this.loop = this.poll();
  }

  /**
   * Stops polling and waits for the invocation in flight. With `abandonInFlight`, that invocation's
   * messages are not deleted, as if the consumer had crashed before acknowledging them: they are delivered
   * again after the visibility timeout.
   */
  async stop(options: { abandonInFlight?: boolean } = {}): Promise<void> {
    this.running = false;
    this.abandon = options.abandonInFlight ?? false;
    await this.loop;
    this.loop = undefined;
  }

  /** Resolves once the queue holds no message, visible or in flight. @throws after `timeoutMs`. */
  async drained(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { Attributes: a = {} } = await this.options.sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: this.options.queueUrl,
          AttributeNames: [
            'ApproximateNumberOfMessages',
            'ApproximateNumberOfMessagesNotVisible',
            'ApproximateNumberOfMessagesDelayed',
          ],
        }),
      );
      const left =
        Number(a.ApproximateNumberOfMessages ?? 0) +
        Number(a.ApproximateNumberOfMessagesNotVisible ?? 0) +
        Number(a.ApproximateNumberOfMessagesDelayed ?? 0);
      if (left === 0) return;
      if (Date.now() > deadline)
        throw new Error(`The event queue still holds ${left} messages after ${timeoutMs} ms`);
      await sleep(100);
    }
  }

  private async poll(): Promise<void> {
    const log = this.options.log ?? (() => undefined);
    while (this.running) {
      let messages: Message[];
      try {
        const received = await this.options.sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: this.options.queueUrl,
            MaxNumberOfMessages: this.options.batchSize ?? 10,
            VisibilityTimeout: this.options.visibilityTimeoutSeconds ?? 2,
            WaitTimeSeconds: 0,
            MessageSystemAttributeNames: ['All'],
          }),
        );
        messages = received.Messages ?? [];
      } catch (error) {
        log(`event consumer: ReceiveMessage failed: ${(error as Error).message}`);
        await sleep(this.options.pollIntervalMs ?? 200);
        continue;
      }
      if (messages.length === 0) {
        await sleep(this.options.pollIntervalMs ?? 200);
        continue;
      }
      await this.invoke(messages, log);
    }
  }

  private async invoke(messages: readonly Message[], log: (line: string) => void): Promise<void> {
    const event: SQSEvent = { Records: messages.map((m) => toSqsRecord(m, this.options.queueArn)) };
    let failed: Set<string>;
    this.stats.invocations += 1;
    this.invoking = true;
    try {
      const result = await this.options.handler(
        event,
        lambdaContext('event-consumer', this.options.timeoutMs ?? 30_000),
      );
      failed = new Set(result.batchItemFailures.map((f) => f.itemIdentifier));
    } catch (error) {
      log(
        `event consumer: the handler failed, the whole batch returns to the queue: ${(error as Error).message}`,
      );
      failed = new Set(messages.map((m) => m.MessageId ?? ''));
    } finally {
      this.invoking = false;
    }
    if (this.abandon) {
      this.stats.abandoned += messages.length;
      return;
    }
    const done = messages.filter((m) => !failed.has(m.MessageId ?? ''));
    this.stats.failed += messages.length - done.length;
    if (done.length === 0) return;
    try {
      const deleted = await this.options.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.options.queueUrl,
          Entries: done.map((m, index) => ({ Id: String(index), ReceiptHandle: m.ReceiptHandle })),
        }),
      );
      this.stats.processed += (deleted.Successful ?? []).length;
    } catch (error) {
      // The messages come back after the visibility timeout; the consumer skips their delivered events.
      log(`event consumer: DeleteMessageBatch failed: ${(error as Error).message}`);
    }
  }
}
