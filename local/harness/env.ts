/** Account, region and credentials every local run uses. moto accepts any credentials. */
export const LOCAL_ACCOUNT = '123456789012';
export const LOCAL_REGION = 'us-east-1';

export interface LocalEndpoints {
  /** moto's base URL: S3, KMS, SNS, SQS, EventBridge, CloudWatch, SSM, Scheduler ... */
  readonly moto: string;
  /** The Personalize emulator's base URL (control plane, runtime and events on one port). */
  readonly personalize?: string;
}

/**
 * The environment variables that point unmodified AWS SDK v3 clients at the local services.
 * Per-service variables for Personalize win over the generic `AWS_ENDPOINT_URL`.
 */
export function localAwsEnv(endpoints: LocalEndpoints): Record<string, string> {
  const env: Record<string, string> = {
    AWS_REGION: LOCAL_REGION,
    AWS_DEFAULT_REGION: LOCAL_REGION,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_SESSION_TOKEN: 'testing',
    AWS_ENDPOINT_URL: endpoints.moto,
    AWS_ENDPOINT_URL_S3: endpoints.moto,
    // The pinned SDK runs on Node 20; its notice that later releases need Node 22 is noise in local runs.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  return endpoints.personalize ? { ...env, ...personalizeEndpointEnv(endpoints.personalize) } : env;
}

/** Points the three Personalize clients (control plane, runtime, events) at one emulator endpoint. */
export function personalizeEndpointEnv(endpoint: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL_PERSONALIZE: endpoint,
    AWS_ENDPOINT_URL_PERSONALIZE_RUNTIME: endpoint,
    AWS_ENDPOINT_URL_PERSONALIZE_EVENTS: endpoint,
  };
}
