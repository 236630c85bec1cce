/** Step `datasets`: ensures the configured datasets in the dataset group (see datasets.logic.ts). */
import { PersonalizeClient } from '@aws-sdk/client-personalize';
import type { DatasetsEvent, DatasetsResult } from '../../core/pipeline-contract';
import { instrumented, traced } from '../shared/observability';
import { ensureDatasets } from './datasets.logic';

const personalize = traced(new PersonalizeClient({}));

/** The Lambda handler: ensures the datasets of the event's config. */
export const handler = instrumented(async (event: DatasetsEvent): Promise<DatasetsResult> =>
  ensureDatasets(event, { personalize }),
);
