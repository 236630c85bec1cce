/**
 * Step `teardown`: one call of the teardown loop; deletes the project's Personalize resources and its
 * parameters under PARAMETER_PREFIX, phase by phase (see teardown.logic.ts).
 */
import { PersonalizeClient } from '@aws-sdk/client-personalize';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { TeardownEvent, TeardownResult } from '../../core/pipeline-contract';
import { requireEnv } from '../shared/env';
import { instrumented, traced } from '../shared/observability';
import { scopeFromEnv } from '../shared/personalize';
import { tearDown, type TeardownDeps } from './teardown.logic';

const deps: TeardownDeps = {
  personalize: traced(new PersonalizeClient({})),
  ssm: traced(new SSMClient({})),
  scope: scopeFromEnv(),
  parameterPrefix: requireEnv('PARAMETER_PREFIX'),
};

/** The Lambda handler: one call of the teardown loop. */
export const handler = instrumented(async (event: TeardownEvent): Promise<TeardownResult> =>
  tearDown(event, deps),
);
