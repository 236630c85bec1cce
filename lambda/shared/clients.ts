/**
 * AWS SDK clients, one per service, created lazily on first use and then shared by every invocation
 * of the function. The SDK itself honours `AWS_ENDPOINT_URL` and `AWS_ENDPOINT_URL_<SERVICE>`
 * (moto and the Personalize emulator locally); S3 additionally needs path-style addressing there.
 *
 * Each service's client lives in its own module (S3 here; Personalize in personalize.ts, SSM in
 * ssm.ts, SNS and EventBridge in notifications.ts, CloudWatch in metrics.ts), so a handler's bundle
 * holds only the SDK packages it uses.
 */
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { lazy } from './lazy';

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

/** The function's S3 client. */
export const s3Client = /* @__PURE__ */ lazy(() => createS3Client());
