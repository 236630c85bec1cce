/**
 * What the ServingStack would create, in moto, for a local run: the KMS-encrypted event queue with its
 * dead-letter queue (redrive after maxReceiveCount deliveries) and the DynamoDB idempotency table. And the
 * trained state the API serves: kept when the pipeline already published it, else made by running the
 * pipeline (which reuses whatever the emulator already holds).
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  SetQueueAttributesCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import type { PipelineConfig } from '../../core/config';
import { LocalPipeline } from '../harness/pipeline';
import type { LocalProject } from '../harness/project';
import type { RunProgress } from '../harness/runner';

/** The queue pair of the event path. */
export interface EventQueues {
  readonly queueUrl: string;
  readonly queueArn: string;
  readonly deadLetterQueueUrl: string;
  readonly deadLetterQueueArn: string;
}

async function ensureQueue(
  sqs: SQSClient,
  name: string,
  attributes: Record<string, string>,
): Promise<string> {
  try {
    const created = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
    return created.QueueUrl ?? '';
  } catch (error) {
    // A queue left by an earlier run with other attributes: take it over with these.
    if (!(error instanceof Error) || !/QueueAlreadyExists|QueueNameExists/.test(error.name)) throw error;
    const { QueueUrl = '' } = await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: attributes }));
    return QueueUrl;
  }
}

async function arnOf(sqs: SQSClient, queueUrl: string): Promise<string> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  return Attributes?.QueueArn ?? '';
}

/**
 * Creates (or updates) `<project>-events` and its dead-letter queue `<project>-events-dlq`, both encrypted
 * with the project's key; the main queue redrives to the DLQ after `maxReceiveCount` deliveries.
 */
export async function ensureEventQueues(
  sqs: SQSClient,
  projectName: string,
  keyArn: string,
  options: { maxReceiveCount: number; visibilityTimeoutSeconds: number },
): Promise<EventQueues> {
  const encryption = { KmsMasterKeyId: keyArn, KmsDataKeyReusePeriodSeconds: '300' };
  const deadLetterQueueUrl = await ensureQueue(sqs, `${projectName}-events-dlq`, {
    ...encryption,
    MessageRetentionPeriod: String(14 * 24 * 3600),
  });
  const deadLetterQueueArn = await arnOf(sqs, deadLetterQueueUrl);
  const queueUrl = await ensureQueue(sqs, `${projectName}-events`, {
    ...encryption,
    VisibilityTimeout: String(options.visibilityTimeoutSeconds),
    RedrivePolicy: JSON.stringify({
      deadLetterTargetArn: deadLetterQueueArn,
      maxReceiveCount: options.maxReceiveCount,
    }),
  });
  return { queueUrl, queueArn: await arnOf(sqs, queueUrl), deadLetterQueueUrl, deadLetterQueueArn };
}

/** Creates the idempotency table (partition key `id`, TTL on `expiration`) unless it exists. */
export async function ensureIdempotencyTable(dynamodb: DynamoDBClient, tableName: string): Promise<void> {
  const exists = await dynamodb.send(new DescribeTableCommand({ TableName: tableName })).then(
    () => true,
    () => false,
  );
  if (exists) return;
  await dynamodb.send(
    new CreateTableCommand({
      TableName: tableName,
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
  await dynamodb.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
    }),
  );
}

/** Thrown when the pipeline run that should deploy the campaigns fails. */
export class LocalDeploymentFailed extends Error {
  override readonly name = 'LocalDeploymentFailed';
}

/** How {@link ensureDeployed} decides: `auto` runs the pipeline only when nothing is published yet. */
export type DeployMode = 'auto' | 'always' | 'never';

/**
 * Makes sure the pipeline has published `/<project>/serving` and `/<project>/event-tracker`: with `auto`,
 * keeps what is published, else runs the pipeline (re-runs reuse the emulator's resources and train
 * nothing that exists); `always` runs it anyway; `never` only reports.
 * @returns whether the pipeline ran.
 */
export async function ensureDeployed(
  ssm: SSMClient,
  config: PipelineConfig,
  project: LocalProject,
  options: { mode?: DeployMode; waitMs?: number; onProgress?: (event: RunProgress) => void } = {},
): Promise<'published' | 'deployed' | 'not-deployed'> {
  const mode = options.mode ?? 'auto';
  if (mode !== 'always') {
    const published = await ssm
      .send(new GetParameterCommand({ Name: `/${config.projectName}/serving` }))
      .then(
        () => true,
        () => false,
      );
    if (published) return 'published';
    if (mode === 'never') return 'not-deployed';
  }
  const pipeline = new LocalPipeline(config, project);
  const outcome = await pipeline.run(
    {},
    { waitMs: options.waitMs ?? 0, ...(options.onProgress ? { onProgress: options.onProgress } : {}) },
  );
  if (outcome.status === 'FAILED')
    throw new LocalDeploymentFailed(`The pipeline run failed: ${outcome.error}: ${outcome.cause}`);
  return 'deployed';
}
