/** Step `filters`: ensures the config's filters and removes superseded ones (see filters.logic.ts). */
import { PersonalizeClient } from '@aws-sdk/client-personalize';
import type { FiltersEvent, FiltersResult } from '../../core/pipeline-contract';
import { ensureFilters } from './filters.logic';

const personalize = new PersonalizeClient({});

export const handler = async (event: FiltersEvent): Promise<FiltersResult> =>
  ensureFilters(event, { personalize });
