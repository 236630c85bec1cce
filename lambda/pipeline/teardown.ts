/**
 * Step `teardown`: one call of the teardown loop; disables the project's schedules and config-upload rule,
 * stops its trainings in progress, and deletes its Personalize resources and its parameters under
 * PARAMETER_PREFIX, phase by phase (see teardown.logic.ts).
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { PersonalizeClient } from '@aws-sdk/client-personalize';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { TeardownEvent, TeardownResult } from '../../core/pipeline-contract';
import { requireEnv } from '../shared/env';
import { instrumented, traced } from '../shared/observability';
import { scopeFromEnv } from '../shared/personalize';
import { tearDown, type TeardownDeps } from './teardown.logic';

const deps: TeardownDeps = {
  personalize: traced(new PersonalizeClient({})),
  ssm: traced(new SSMClient({})),
  scheduler: traced(new SchedulerClient({})),
  events: traced(new EventBridgeClient({})),
  scope: scopeFromEnv(),
  parameterPrefix: requireEnv('PARAMETER_PREFIX'),
};

/** The Lambda handler: one call of the teardown loop. */
export const handler = instrumented(async (event: TeardownEvent): Promise<TeardownResult> =>
  tearDown(event, deps),
);
