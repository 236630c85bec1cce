/** Step `filters`: ensures the config's filters and removes superseded ones (see filters.logic.ts). */
import { PersonalizeClient } from '@aws-sdk/client-personalize';
import type { FiltersEvent, FiltersResult } from '../../core/pipeline-contract';
import { instrumented, traced } from '../shared/observability';
import { ensureFilters } from './filters.logic';

const personalize = traced(new PersonalizeClient({}));

/** The Lambda handler: ensures the filters of the event's config. */
export const handler = instrumented(async (event: FiltersEvent): Promise<FiltersResult> =>
  ensureFilters(event, { personalize }),
);
