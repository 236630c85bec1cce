/**
 * Step `campaign`: deploys a solution version to the solution's campaign `<project>-<solution>`.
 * Creates the campaign (minProvisionedTPS, itemExplorationConfig, syncWithLatestSolutionVersion), or
 * updates it to the new version / changed settings, or leaves it unchanged. An update is sent only
 * when the campaign is ACTIVE and no earlier update is in progress; otherwise `ResourceBusy` (retry).
 * The version served before an update is returned as `previousSolutionVersionArn`, for rollback.
 */
import {
  CreateCampaignCommand,
  DescribeCampaignCommand,
  UpdateCampaignCommand,
} from '@aws-sdk/client-personalize';
import { ResourceBusy, ValidationFailed } from '../shared/errors';
import { logger } from '../shared/logger';
import { pollable } from '../shared/polling';
import { campaignName } from '../../core/names';
import {
  CREATING_STATUSES,
  describeOrUndefined,
  isAlreadyExists,
  personalizeArn,
  personalizeClient,
  scopeOfArn,
  tagged,
} from '../shared/personalize';
import { campaignChanges, campaignSpec } from './campaign.logic';
import type { CampaignEvent, CampaignResult, PollTarget } from '../../core/pipeline-contract';

export const handler = async (event: CampaignEvent): Promise<CampaignResult> => {
  const { config, solution } = event;
  if (solution.campaign === undefined) {
    throw new ValidationFailed([
      `solutions.${solution.name}.campaign: the solution has no campaign settings; nothing to deploy.`,
    ]);
  }
  const client = personalizeClient();
  const name = campaignName(config.projectName, solution.name);
  const campaignArn = personalizeArn(scopeOfArn(event.solutionVersionArn), 'campaign', name);
  const spec = campaignSpec(solution.campaign, event.solutionVersionArn);
  const existing = (
    await describeOrUndefined(() => client.send(new DescribeCampaignCommand({ campaignArn })))
  )?.campaign;
  if (existing === undefined) {
    try {
      const out = await client.send(new CreateCampaignCommand({ name, ...spec, ...tagged(config.tags) }));
      logger.info('Campaign created', {
        campaignArn: out.campaignArn,
        solutionVersionArn: spec.solutionVersionArn,
      });
      return {
        campaignArn: out.campaignArn ?? campaignArn,
        action: 'created',
        ...poll(out.campaignArn ?? campaignArn),
      };
    } catch (error) {
      if (!isAlreadyExists(error)) throw error;
      throw new ResourceBusy(`Campaign ${campaignArn} is being created by another run; retry.`);
    }
  }
  const update = existing.latestCampaignUpdate;
  const updating = update !== undefined && CREATING_STATUSES.has(update.status ?? '');
  const previous = existing.solutionVersionArn;
  // While an update runs, compare against what it is moving to.
  const current = updating ? update : existing;
  const changes = campaignChanges(spec, current);
  if (changes.length === 0) {
    return { campaignArn, action: 'unchanged', ...poll(campaignArn) };
  }
  if (existing.status !== 'ACTIVE' || updating) {
    throw new ResourceBusy(
      `Campaign ${campaignArn} is ${updating ? `updating (${update?.status})` : existing.status}; it can be updated once it is ACTIVE.`,
    );
  }
  await client.send(new UpdateCampaignCommand({ campaignArn, ...spec }));
  logger.info('Campaign updated', { campaignArn, changes, from: previous, to: spec.solutionVersionArn });
  return {
    campaignArn,
    action: 'updated',
    ...(previous ? { previousSolutionVersionArn: previous } : {}),
    ...poll(campaignArn),
  };
};

/** The campaign to poll (its status follows an update in progress). */
function poll(campaignArn: string): { targets: PollTarget[]; startedAt: number } {
  return pollable<PollTarget>([{ kind: 'campaign', arn: campaignArn }]);
}
