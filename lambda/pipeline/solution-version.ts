/** Step `solution-version`: trains a new solution version when needed (see solution-version.logic.ts). */
import { PersonalizeClient } from '@aws-sdk/client-personalize';
import type { SolutionVersionEvent, SolutionVersionResult } from '../../core/pipeline-contract';
import { instrumented, traced } from '../shared/observability';
import { trainIfNeeded } from './solution-version.logic';

const personalize = traced(new PersonalizeClient({}));

/** The Lambda handler: trains a version of the event's solution when needed. */
export const handler = instrumented(async (event: SolutionVersionEvent): Promise<SolutionVersionResult> =>
  trainIfNeeded(event, { personalize }),
);
