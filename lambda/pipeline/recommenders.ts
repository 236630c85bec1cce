/** Step `recommenders`: ensures the config's recommenders of a domain dataset group (see recommenders.logic.ts). */
import { PersonalizeClient } from '@aws-sdk/client-personalize';
import type { RecommendersEvent, RecommendersResult } from '../../core/pipeline-contract';
import { instrumented, traced } from '../shared/observability';
import { ensureRecommenders } from './recommenders.logic';

const personalize = traced(new PersonalizeClient({}));

/** The Lambda handler: creates, updates or starts the event's config recommenders. */
export const handler = instrumented(async (event: RecommendersEvent): Promise<RecommendersResult> =>
  ensureRecommenders(event, { personalize }),
);
