/** Step `campaign`: deploys a solution version to the solution's campaign (see campaign.logic.ts). */
import { PersonalizeClient } from '@aws-sdk/client-personalize';
import type { CampaignEvent, CampaignResult } from '../../core/pipeline-contract';
import { instrumented, traced } from '../shared/observability';
import { deployCampaign } from './campaign.logic';

const personalize = traced(new PersonalizeClient({}));

/** The Lambda handler: deploys the event's version to the solution's campaign. */
export const handler = instrumented(async (event: CampaignEvent): Promise<CampaignResult> =>
  deployCampaign(event, { personalize }),
);
