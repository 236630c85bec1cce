/** Step `filters`: ensures the config's filters and removes superseded ones (see filters.logic.ts). */
import { PersonalizeClient } from '@aws-sdk/client-personalize';
import type { FiltersEvent, FiltersResult } from '../../core/pipeline-contract';
import { ensureFilters } from './filters.logic';

const personalize = new PersonalizeClient({});

/** The Lambda handler: ensures the filters of the event's config. */
export const handler = async (event: FiltersEvent): Promise<FiltersResult> =>
  ensureFilters(event, { personalize });
