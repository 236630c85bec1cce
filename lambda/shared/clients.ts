/**
 * AWS SDK clients, one per service, created lazily on first use and then shared by every invocation
 * of the function. The SDK itself honours `AWS_ENDPOINT_URL` and `AWS_ENDPOINT_URL_<SERVICE>`
 * (moto and the Personalize emulator locally); S3 additionally needs path-style addressing there.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { PersonalizeClient } from '@aws-sdk/client-personalize';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SSMClient } from '@aws-sdk/client-ssm';

/**
 * True when the SDK is pointed at a custom S3 endpoint (moto locally). Such endpoints need path-style
 * addressing: `bucket.127.0.0.1` does not resolve.
 */
export function hasCustomS3Endpoint(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL);
}

/** An S3 client that works against AWS and, with path-style addressing, against a local endpoint. */
export function createS3Client(config: S3ClientConfig = {}): S3Client {
  return new S3Client({ forcePathStyle: hasCustomS3Endpoint(), ...config });
}

/** Memoises a client factory: the client is built on first call. */
function lazy<T>(create: () => T): () => T {
  let client: T | undefined;
  return () => {
    client ??= create();
    return client;
  };
}

export const personalizeClient = lazy(() => new PersonalizeClient({}));
export const s3Client = lazy(() => createS3Client());
export const ssmClient = lazy(() => new SSMClient({}));
export const snsClient = lazy(() => new SNSClient({}));
export const cloudWatchClient = lazy(() => new CloudWatchClient({}));
export const eventBridgeClient = lazy(() => new EventBridgeClient({}));
