/**
 * Step `imports`: starts an import job for each dataset whose data in BUCKET_NAME changed, as the role
 * PERSONALIZE_ROLE_ARN (see imports.logic.ts).
 */
import { PersonalizeClient } from '@aws-sdk/client-personalize';
import type { ImportsEvent, ImportsResult } from '../../core/pipeline-contract';
import { createS3Client } from '../shared/clients';
import { requireEnv } from '../shared/env';
import { instrumented, traced } from '../shared/observability';
import { startImports, type ImportsDeps } from './imports.logic';

const deps: ImportsDeps = {
  personalize: traced(new PersonalizeClient({})),
  s3: traced(createS3Client()),
  bucket: requireEnv('BUCKET_NAME'),
  personalizeRoleArn: requireEnv('PERSONALIZE_ROLE_ARN'),
};

/** The Lambda handler: starts the import jobs the event's datasets need. */
export const handler = instrumented(async (event: ImportsEvent): Promise<ImportsResult> =>
  startImports(event, deps),
);
