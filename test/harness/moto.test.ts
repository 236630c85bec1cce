import { readFileSync } from 'node:fs';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  CreateBucketCommand,
  GetObjectCommand,
  PutBucketEncryptionCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { createS3Client } from '../../lambda/shared/clients';
import { resetMoto } from '../../local/harness/moto';

describe('the test harness', () => {
  test('points this worker at a running moto server', async () => {
    const endpoint = process.env.MOTO_ENDPOINT;
    expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${endpoint}/moto-api/`);
    expect(response.status).toBe(200);
  });

  test('resetting moto removes what a test created', async () => {
    const s3 = createS3Client();
    await s3.send(new CreateBucketCommand({ Bucket: 'left-over' }));
    await resetMoto(process.env.MOTO_ENDPOINT ?? '');
    await expect(s3.send(new GetObjectCommand({ Bucket: 'left-over', Key: 'x' }))).rejects.toThrow(
      /bucket does not exist/i,
    );
  });
});

describe('moto as the local AWS', () => {
  test('stores the sample data encrypted with a KMS key and returns it unchanged', async () => {
    // Prepare
    const kms = new KMSClient({});
    const s3 = createS3Client();
    const { KeyMetadata } = await kms.send(new CreateKeyCommand({ Description: 'sample data key' }));
    const keyArn = KeyMetadata?.Arn ?? '';
    const Bucket = 'shop-recs-data';
    await s3.send(new CreateBucketCommand({ Bucket }));
    await s3.send(
      new PutBucketEncryptionCommand({
        Bucket,
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
    const files = ['users', 'items', 'interactions'].map((name) => ({
      key: `datasets/${name}/${name}.csv`,
      body: readFileSync(`sample-data/${name}.csv`, 'utf8'),
    }));

    // Act
    for (const file of files) {
      await s3.send(
        new PutObjectCommand({
          Bucket,
          Key: file.key,
          Body: file.body,
          ServerSideEncryption: 'aws:kms',
          SSEKMSKeyId: keyArn,
        }),
      );
    }

    // Assess
    for (const file of files) {
      const object = await s3.send(new GetObjectCommand({ Bucket, Key: file.key }));
      expect(object.ServerSideEncryption).toBe('aws:kms');
      expect(object.SSEKMSKeyId).toBe(keyArn);
      expect(await object.Body?.transformToString()).toBe(file.body);
    }
  });
});
