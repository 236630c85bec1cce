/**
 * Provisions, in moto, what the DataStack and PipelineStack would create in AWS for a local run: the KMS key,
 * the encrypted data bucket with the sample data at each dataset's location, and the notification topic.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CreateAliasCommand, CreateKeyCommand, DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  CreateBucketCommand,
  HeadBucketCommand,
  PutBucketEncryptionCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { batchJobPrefixes, type PipelineConfig } from '../../core/config';
import { createS3Client } from '../../lambda/shared/clients';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './env';

/** The local stand-ins for the deployed resources, as the functions' environment names them. */
export interface LocalProject {
  readonly bucketName: string;
  readonly keyArn: string;
  readonly topicArn: string;
  readonly personalizeRoleArn: string;
}

/** Where each dataset's sample file comes from: `sample-data/<dataset>.csv`. */
export function sampleDataFiles(
  config: PipelineConfig,
  sampleDir = 'sample-data',
): Array<{ file: string; key: string }> {
  return Object.entries(config.datasets)
    .filter(([, d]) => d !== undefined)
    .map(([name, dataset]) => {
      const location = dataset?.dataLocation ?? '';
      const file = path.join(sampleDir, `${name}.csv`);
      return { file, key: location.endsWith('/') ? `${location}${name}.csv` : location };
    });
}

/** Creates (or finds) the key, bucket and topic of a project in moto, and uploads the sample data. */
export async function provisionLocalProject(
  config: PipelineConfig,
  sampleDir = 'sample-data',
): Promise<LocalProject> {
  const kms = new KMSClient({});
  const s3 = createS3Client();
  const sns = new SNSClient({});
  const alias = `alias/${config.projectName}-data`;
  // The name the DataStack gives the bucket (dataBucketName), for the local account and region.
  const bucketName = `${config.projectName}-${LOCAL_ACCOUNT}-${LOCAL_REGION}`;

  const keyArn = await kms
    .send(new DescribeKeyCommand({ KeyId: alias }))
    .then((r) => r.KeyMetadata?.Arn ?? '')
    .catch(async () => {
      const created = await kms.send(new CreateKeyCommand({ Description: `${config.projectName} data key` }));
      await kms.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: created.KeyMetadata?.KeyId }));
      return created.KeyMetadata?.Arn ?? '';
    });

  const exists = await s3.send(new HeadBucketCommand({ Bucket: bucketName })).then(
    () => true,
    () => false,
  );
  if (!exists) {
    await s3.send(new CreateBucketCommand({ Bucket: bucketName }));
    await s3.send(
      new PutBucketEncryptionCommand({
        Bucket: bucketName,
        ServerSideEncryptionConfiguration: {
          Rules: [
            {
              ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: keyArn },
              BucketKeyEnabled: true,
            },
          ],
        },
      }),
    );
  }
  for (const { file, key } of sampleDataFiles(config, sampleDir)) {
    await s3.send(new PutObjectCommand({ Bucket: bucketName, Key: key, Body: readFileSync(file) }));
  }
  for (const job of config.batchJobs) {
    await s3.send(
      new PutObjectCommand({
        Bucket: bucketName,
        Key: `${batchJobPrefixes(job.name).input}input.json`,
        Body: batchInput(job.type, sampleDir),
      }),
    );
  }
  const topic = await sns.send(new CreateTopicCommand({ Name: `${config.projectName}-notifications` }));
  return {
    bucketName,
    keyArn,
    topicArn: topic.TopicArn ?? '',
    personalizeRoleArn: `arn:aws:iam::${LOCAL_ACCOUNT}:role/${config.projectName}-personalize`,
  };
}

/** Batch input in Personalize's JSON-lines format: the first 100 sample users (inference) or items (segment). */
export function batchInput(type: 'inference' | 'segment', sampleDir = 'sample-data'): string {
  const file = path.join(sampleDir, type === 'inference' ? 'users.csv' : 'items.csv');
  const ids = readFileSync(file, 'utf8')
    .split('\n')
    .slice(1, 101)
    .map((line) => line.split(',')[0])
    .filter(Boolean);
  return (
    ids.map((id) => JSON.stringify(type === 'inference' ? { userId: id } : { itemId: id })).join('\n') + '\n'
  );
}
