/**
 * The S3 client of the functions. The SDK itself honours `AWS_ENDPOINT_URL` and `AWS_ENDPOINT_URL_<SERVICE>`
 * (moto and the Personalize emulator locally); S3 additionally needs path-style addressing there.
 *
 * The pipeline handlers build the clients they use once, at module scope, and hand them to their step's
 * logic; the shared lazy clients (S3 here, SSM in ssm.ts) are created on first use and then shared by every
 * invocation of the function.
 */
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { lazy } from './lazy';
import { traced } from './tracing';

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

/** The function's S3 client, created on first use. */
export const s3Client = /* @__PURE__ */ lazy(() => traced(createS3Client()));
