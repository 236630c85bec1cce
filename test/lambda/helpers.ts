/**
 * Shared set-up of the handler tests: the pipeline functions' environment, a Personalize emulator in
 * a temp directory, the data bucket in moto with the sample data and schemas, and a loop that drives
 * the `poll` handler the way the state machine's Wait → describe → Choice loop does.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import {
  CreateEventBusCommand,
  EventBridgeClient,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { startEmulator, type RunningEmulator } from '../../local/emulator';
import { LOCAL_ACCOUNT, LOCAL_REGION, personalizeEndpointEnv } from '../../local/harness/env';
import type { PollResult, PollTarget } from '../../core/pipeline-contract';

export { once, type SharedFixture } from '../setup/shared-fixture';

export const ROOT = join(__dirname, '..', '..');
export const BUCKET = 'pipeline-data';
export const KMS_KEY_ARN = `arn:aws:kms:${LOCAL_REGION}:${LOCAL_ACCOUNT}:key/11111111-2222-3333-4444-555555555555`;
export const ROLE_ARN = `arn:aws:iam::${LOCAL_ACCOUNT}:role/personalize-service-role`;
export const PARAMETER_PREFIX = '/lambda-test';
export const EVENT_BUS = 'pipeline-events';

const CLIENT = { region: LOCAL_REGION, maxAttempts: 1 };

/** Sets the environment every pipeline function gets from the stack. Call before importing handlers. */
export function setPipelineEnv(
  projectName: string,
  topicArn = `arn:aws:sns:${LOCAL_REGION}:${LOCAL_ACCOUNT}:pipeline`,
): void {
  Object.assign(process.env, {
    BUCKET_NAME: BUCKET,
    PROJECT_NAME: projectName,
    KMS_KEY_ARN,
    PERSONALIZE_ROLE_ARN: ROLE_ARN,
    ACCOUNT_ID: LOCAL_ACCOUNT,
    TOPIC_ARN: topicArn,
    EVENT_BUS_NAME: EVENT_BUS,
    PARAMETER_PREFIX,
    METRICS_NAMESPACE: 'PersonalizePipeline',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
  });
}

/** A moto S3 client (path-style, as local endpoints need). */
export function s3(): S3Client {
  return new S3Client({ ...CLIENT, endpoint: process.env.AWS_ENDPOINT_URL_S3, forcePathStyle: true });
}

export function readRepoFile(path: string): string {
  return readFileSync(join(ROOT, path), 'utf8');
}

/** Creates the data bucket (once) and uploads objects (key → text), a few at a time. */
export async function putObjects(objects: Record<string, string | Uint8Array>): Promise<void> {
  const client = s3();
  await client.send(new CreateBucketCommand({ Bucket: BUCKET })).catch((error: Error) => {
    if (error.name !== 'BucketAlreadyOwnedByYou' && error.name !== 'BucketAlreadyExists') throw error;
  });
  const entries = Object.entries(objects);
  for (let i = 0; i < entries.length; i += 16) {
    await Promise.all(
      entries
        .slice(i, i + 16)
        .map(([key, body]) =>
          client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: Buffer.from(body) })),
        ),
    );
  }
  client.destroy();
}

/** Uploads the sample data under `datasets/<type>/` and the schemas under `schemas/`. */
export async function uploadSampleData(): Promise<void> {
  const objects: Record<string, string> = {};
  for (const type of ['interactions', 'items', 'users']) {
    objects[`datasets/${type}/${type}.csv`] = readRepoFile(`sample-data/${type}.csv`);
    objects[`schemas/${type}.json`] = readRepoFile(`schemas/${type}.json`);
  }
  await putObjects(objects);
}

/** Creates the SNS topic and the EventBridge bus the summary publishes to; returns the topic ARN. */
export async function createNotificationTargets(): Promise<string> {
  const sns = new SNSClient(CLIENT);
  const { TopicArn = '' } = await sns.send(new CreateTopicCommand({ Name: 'pipeline' }));
  sns.destroy();
  const events = new EventBridgeClient(CLIENT);
  await events.send(new CreateEventBusCommand({ Name: EVENT_BUS })).catch((error: Error) => {
    if (error.name !== 'ResourceAlreadyExistsException') throw error;
  });
  events.destroy();
  return TopicArn;
}

/** An EventBridge event as an SQS target receives it. */
export interface ReceivedEvent {
  readonly source: string;
  readonly 'detail-type': string;
  readonly detail: Record<string, unknown>;
}

/** One call of moto's SQS JSON API (the project has no SQS client; moto checks no signature). */
async function motoSqs(action: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const endpoint = process.env.MOTO_ENDPOINT ?? process.env.AWS_ENDPOINT_URL;
  if (!endpoint) throw new Error('MOTO_ENDPOINT is not set');
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.0',
      'X-Amz-Target': `AmazonSQS.${action}`,
      // moto routes a request to a service by the credential scope of its (unchecked) signature.
      Authorization: `AWS4-HMAC-SHA256 Credential=testing/20260101/${LOCAL_REGION}/sqs/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`moto SQS ${action} answered ${response.status}: ${text}`);
  return JSON.parse(text || '{}') as Record<string, unknown>;
}

/**
 * Routes the events matching `pattern` on the pipeline's bus (EVENT_BUS) to a new SQS queue in moto, and
 * returns a function that drains what the queue received so far.
 */
export async function captureEvents(
  name: string,
  pattern: Record<string, unknown>,
): Promise<() => Promise<ReceivedEvent[]>> {
  const { QueueUrl } = (await motoSqs('CreateQueue', { QueueName: name })) as { QueueUrl: string };
  const events = new EventBridgeClient(CLIENT);
  await events.send(
    new PutRuleCommand({ Name: name, EventBusName: EVENT_BUS, EventPattern: JSON.stringify(pattern) }),
  );
  await events.send(
    new PutTargetsCommand({
      Rule: name,
      EventBusName: EVENT_BUS,
      Targets: [{ Id: 'queue', Arn: `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${name}` }],
    }),
  );
  events.destroy();
  return async () => {
    const received: ReceivedEvent[] = [];
    for (;;) {
      const { Messages = [] } = (await motoSqs('ReceiveMessage', {
        QueueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 0,
      })) as { Messages?: Array<{ Body: string; ReceiptHandle: string }> };
      if (Messages.length === 0) return received;
      for (const message of Messages) {
        received.push(JSON.parse(message.Body) as ReceivedEvent);
        await motoSqs('DeleteMessage', { QueueUrl, ReceiptHandle: message.ReceiptHandle });
      }
    }
  };
}

/** A Personalize emulator with zero delays in a temp directory, wired into the SDK's environment. */
export interface LocalPersonalize {
  readonly emulator: RunningEmulator;
  close(): Promise<void>;
}

export async function startLocalPersonalize(): Promise<LocalPersonalize> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pipeline-handlers-'));
  const emulator = await startEmulator({ port: 0, dataDir, delays: 'zero', synchronous: 'NORMAL' });
  Object.assign(process.env, personalizeEndpointEnv(emulator.endpoint));
  return {
    emulator,
    async close() {
      await emulator.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

type PollHandler = (event: {
  stage: string;
  targets: readonly PollTarget[];
  startedAt: number;
  timeoutSeconds: number;
}) => Promise<PollResult>;

/**
 * Calls the poll handler until the stage is done, like the state machine does, but sleeping a few
 * milliseconds instead of `waitSeconds` (the emulator runs with zero delays).
 */
export async function pollUntilDone(
  poll: PollHandler,
  stage: string,
  targets: readonly PollTarget[],
  maxCalls = 2_000,
): Promise<PollResult> {
  const startedAt = Date.now() / 1000;
  for (let call = 0; call < maxCalls; call += 1) {
    const result = await poll({ stage, targets, startedAt, timeoutSeconds: 600 });
    if (result.done) return result;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`stage ${stage} was not done after ${maxCalls} polls`);
}

/** The error a promise rejects with. @throws when it resolves. */
export async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}
