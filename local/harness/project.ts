/**
 * Provisions, in moto, what the DataStack and PipelineStack would create in AWS for a local run: the KMS key,
 * the encrypted data bucket with the project's data at each dataset's location, and the notification topic.
 */
import { readFileSync } from 'node:fs';
import { CreateAliasCommand, CreateKeyCommand, DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  CreateBucketCommand,
  HeadBucketCommand,
  PutBucketEncryptionCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import type { PipelineConfig } from '../../core/config';
import { createS3Client } from '../../lambda/shared/clients';
import { projectData, type ProjectData } from './data-folder';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './env';

/** The local stand-ins for the deployed resources, as the functions' environment names them. */
export interface LocalProject {
  readonly bucketName: string;
  readonly keyArn: string;
  readonly topicArn: string;
  readonly personalizeRoleArn: string;
}

/**
 * Creates (or finds) the key, bucket and topic of a project in moto, and uploads the project's data from a
 * folder (local/harness/data-folder.ts): the sample data by default; `data` when the caller already read it.
 * @throws LocalDataError when the folder lacks a configured dataset's data
 */
export async function provisionLocalProject(
  config: PipelineConfig,
  dataDir = 'sample-data',
  data: ProjectData = projectData(config, dataDir),
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
  for (const upload of data.uploads) {
    const Body = 'file' in upload ? readFileSync(upload.file) : upload.body;
    await s3.send(new PutObjectCommand({ Bucket: bucketName, Key: upload.key, Body }));
  }
  const topic = await sns.send(new CreateTopicCommand({ Name: `${config.projectName}-notifications` }));
  return {
    bucketName,
    keyArn,
    topicArn: topic.TopicArn ?? '',
    personalizeRoleArn: `arn:aws:iam::${LOCAL_ACCOUNT}:role/${config.projectName}-personalize`,
  };
}
