/**
 * Step `batch-job`: starts the event's batch inference or segment job on data in BUCKET_NAME, encrypted with
 * KMS_KEY_ARN, as the role PERSONALIZE_ROLE_ARN, when there is something new for it (see batch-job.logic.ts).
 */
import { PersonalizeClient } from '@aws-sdk/client-personalize';
import type { BatchJobEvent, BatchJobResult } from '../../core/pipeline-contract';
import { requireEnv } from '../shared/env';
import { instrumented, traced } from '../shared/observability';
import { scopeFromEnv } from '../shared/personalize';
import { runBatchJob, type BatchJobDeps } from './batch-job.logic';

const deps: BatchJobDeps = {
  personalize: traced(new PersonalizeClient({})),
  scope: scopeFromEnv(),
  bucket: requireEnv('BUCKET_NAME'),
  kmsKeyArn: requireEnv('KMS_KEY_ARN'),
  personalizeRoleArn: requireEnv('PERSONALIZE_ROLE_ARN'),
};

/** The Lambda handler: starts or skips the event's batch job. */
export const handler = instrumented(async (event: BatchJobEvent): Promise<BatchJobResult> =>
  runBatchJob(event, deps),
);
