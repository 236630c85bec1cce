/** Step `solution`: ensures the solution as the config defines it (see solution.logic.ts). */
import { PersonalizeClient } from '@aws-sdk/client-personalize';
import type { SolutionEvent, SolutionResult } from '../../core/pipeline-contract';
import { instrumented, traced } from '../shared/observability';
import { ensureSolution } from './solution.logic';

const personalize = traced(new PersonalizeClient({}));

/** The Lambda handler: ensures the event's solution. */
export const handler = instrumented(async (event: SolutionEvent): Promise<SolutionResult> =>
  ensureSolution(event, { personalize }),
);
