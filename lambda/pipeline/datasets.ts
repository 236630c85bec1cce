/** Step `datasets`: ensures the configured datasets in the dataset group (see datasets.logic.ts). */
import { PersonalizeClient } from '@aws-sdk/client-personalize';
import type { DatasetsEvent, DatasetsResult } from '../../core/pipeline-contract';
import { ensureDatasets } from './datasets.logic';

const personalize = new PersonalizeClient({});

/** The Lambda handler: ensures the datasets of the event's config. */
export const handler = async (event: DatasetsEvent): Promise<DatasetsResult> =>
  ensureDatasets(event, { personalize });
