/**
 * Step `poll`: the describe step of every Wait → describe → Choice loop; reports finished and failed stages
 * of project PROJECT_NAME on the bus EVENT_BUS_NAME (see poll.logic.ts).
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { PersonalizeClient } from '@aws-sdk/client-personalize';
import type { PollEvent, PollResult } from '../../core/pipeline-contract';
import { requireEnv } from '../shared/env';
import { instrumented, traced } from '../shared/observability';
import { pollStage, type PollDeps } from './poll.logic';

const deps: PollDeps = {
  personalize: traced(new PersonalizeClient({})),
  eventBridge: traced(new EventBridgeClient({})),
  projectName: requireEnv('PROJECT_NAME'),
  eventBusName: requireEnv('EVENT_BUS_NAME'),
};

/** The Lambda handler: polls the event's stage once. */
export const handler = instrumented(async (event: PollEvent): Promise<PollResult> => pollStage(event, deps));
