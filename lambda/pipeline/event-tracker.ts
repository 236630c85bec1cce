/**
 * Step `event-tracker`: ensures the dataset group's event tracker and stores its ARN and tracking id in
 * `<PARAMETER_PREFIX>/event-tracker` (see event-tracker.logic.ts).
 */
import { PersonalizeClient } from '@aws-sdk/client-personalize';
import { SSMClient } from '@aws-sdk/client-ssm';
import type { EventTrackerEvent, EventTrackerResult } from '../../core/pipeline-contract';
import { requireEnv } from '../shared/env';
import { instrumented, traced } from '../shared/observability';
import { ensureEventTracker, type EventTrackerDeps } from './event-tracker.logic';

const deps: EventTrackerDeps = {
  personalize: traced(new PersonalizeClient({})),
  ssm: traced(new SSMClient({})),
  parameterPrefix: requireEnv('PARAMETER_PREFIX'),
};

/** The Lambda handler: ensures the event tracker and its parameter. */
export const handler = instrumented(async (event: EventTrackerEvent): Promise<EventTrackerResult> =>
  ensureEventTracker(event, deps),
);
