/** Step `evaluate`: the quality gate between training and deployment (see evaluate.logic.ts). */
import { PersonalizeClient } from '@aws-sdk/client-personalize';
import type { EvaluateEvent, EvaluateResult } from '../../core/pipeline-contract';
import { instrumented, traced } from '../shared/observability';
import { evaluateVersion } from './evaluate.logic';

const personalize = traced(new PersonalizeClient({}));

/** The Lambda handler: applies the quality gate to the event's version. */
export const handler = instrumented(async (event: EvaluateEvent): Promise<EvaluateResult> =>
  evaluateVersion(event, { personalize }),
);
