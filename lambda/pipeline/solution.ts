/** Step `solution`: ensures the solution as the config defines it (see solution.logic.ts). */
import { PersonalizeClient } from '@aws-sdk/client-personalize';
import type { SolutionEvent, SolutionResult } from '../../core/pipeline-contract';
import { ensureSolution } from './solution.logic';

const personalize = new PersonalizeClient({});

/** The Lambda handler: ensures the event's solution. */
export const handler = async (event: SolutionEvent): Promise<SolutionResult> =>
  ensureSolution(event, { personalize });
