/**
 * Step `dataset-group`: ensures the project's schemas and its dataset group, encrypted with KMS_KEY_ARN
 * through the role PERSONALIZE_ROLE_ARN (see dataset-group.logic.ts).
 */
import { PersonalizeClient } from '@aws-sdk/client-personalize';
import type { DatasetGroupResult, RunState } from '../../core/pipeline-contract';
import { requireEnv } from '../shared/env';
import { instrumented, traced } from '../shared/observability';
import { scopeFromEnv } from '../shared/personalize';
import { ensureDatasetGroup, type DatasetGroupDeps } from './dataset-group.logic';

const deps: DatasetGroupDeps = {
  personalize: traced(new PersonalizeClient({})),
  scope: scopeFromEnv(),
  kmsKeyArn: requireEnv('KMS_KEY_ARN'),
  personalizeRoleArn: requireEnv('PERSONALIZE_ROLE_ARN'),
};

/** The Lambda handler: ensures the schemas and the dataset group of the run's config. */
export const handler = instrumented(async (event: RunState): Promise<DatasetGroupResult> =>
  ensureDatasetGroup(event, deps),
);
