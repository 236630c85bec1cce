/**
 * Step `metric-attribution`: ensures the dataset group's metric attribution, its reports written to BUCKET_NAME
 * encrypted with KMS_KEY_ARN as the role PERSONALIZE_ROLE_ARN (see metric-attribution.logic.ts).
 */
import { PersonalizeClient } from '@aws-sdk/client-personalize';
import type { MetricAttributionEvent, MetricAttributionResult } from '../../core/pipeline-contract';
import { requireEnv } from '../shared/env';
import { instrumented, traced } from '../shared/observability';
import { ensureMetricAttribution, type MetricAttributionDeps } from './metric-attribution.logic';

const deps: MetricAttributionDeps = {
  personalize: traced(new PersonalizeClient({})),
  bucket: requireEnv('BUCKET_NAME'),
  kmsKeyArn: requireEnv('KMS_KEY_ARN'),
  personalizeRoleArn: requireEnv('PERSONALIZE_ROLE_ARN'),
};

/** The Lambda handler: creates, updates or keeps the config's metric attribution. */
export const handler = instrumented(async (event: MetricAttributionEvent): Promise<MetricAttributionResult> =>
  ensureMetricAttribution(event, deps),
);
