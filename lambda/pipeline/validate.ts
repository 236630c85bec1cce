/**
 * Step `validate`: checks the run's config, schemas and data in the bucket BUCKET_NAME before any
 * Personalize call, and returns the run state (see validate.logic.ts).
 */
import type { RunState, ValidateEvent } from '../../core/pipeline-contract';
import { createS3Client } from '../shared/clients';
import { requireEnv } from '../shared/env';
import { instrumented, traced } from '../shared/observability';
import { validateRun, type ValidateDeps } from './validate.logic';

const deps: ValidateDeps = { s3: traced(createS3Client()), bucket: requireEnv('BUCKET_NAME') };

/** The Lambda handler: validates the run's config and data and returns the run state. */
export const handler = instrumented(async (event: ValidateEvent): Promise<RunState> =>
  validateRun(event, deps),
);
