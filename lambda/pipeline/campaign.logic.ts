/**
 * The `campaign` step: deploys a solution version to the solution's campaign `<project>-<solution>`.
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
import type { CampaignSettings } from '../../core/config/schema';
import { campaignName } from '../../core/names';
import type { CampaignEvent, CampaignResult, Pollable, PollTarget } from '../../core/pipeline-contract';
import { ResourceBusy, ValidationFailed } from '../shared/errors';
import { logger } from '../shared/logger';
import { pollable } from '../shared/polling';
import {
  CREATING_STATUSES,
  describeOrUndefined,
  isAlreadyExists,
  personalizeArn,
  scopeOfArn,
  tagged,
  type PersonalizeDeps,
} from '../shared/personalize';

/** Creates, updates or keeps the solution's campaign so it serves the event's version with the config's settings. */
export async function deployCampaign(
  event: CampaignEvent,
  { personalize }: PersonalizeDeps,
): Promise<CampaignResult> {
  const { config, solution } = event;
  if (solution.campaign === undefined) {
    throw new ValidationFailed([
      `solutions.${solution.name}.campaign: the solution has no campaign settings; nothing to deploy.`,
    ]);
  }
  const name = campaignName(config.projectName, solution.name);
  const campaignArn = personalizeArn(scopeOfArn(event.solutionVersionArn), 'campaign', name);
  const spec = campaignSpec(solution.campaign, event.solutionVersionArn);
  const existing = (
    await describeOrUndefined(() => personalize.send(new DescribeCampaignCommand({ campaignArn })))
  )?.campaign;
  if (existing === undefined) {
    try {
      const out = await personalize.send(
        new CreateCampaignCommand({ name, ...spec, ...tagged(config.tags) }),
      );
      logger.info('Campaign created', {
        campaignArn: out.campaignArn,
        solutionVersionArn: spec.solutionVersionArn,
      });
      const arn = out.campaignArn ?? campaignArn;
      return { campaignArn: arn, action: 'created', ...poll(arn) };
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
      `Campaign ${campaignArn} is ${updating ? `updating (${update.status})` : existing.status}; it can be updated once it is ACTIVE.`,
    );
  }
  await personalize.send(new UpdateCampaignCommand({ campaignArn, ...spec }));
  logger.info('Campaign updated', { campaignArn, changes, from: previous, to: spec.solutionVersionArn });
  return {
    campaignArn,
    action: 'updated',
    ...(previous ? { previousSolutionVersionArn: previous } : {}),
    ...poll(campaignArn),
  };
}

/** The campaign to poll (its status follows an update in progress). */
function poll(campaignArn: string): Pollable {
  return pollable<PollTarget>([{ kind: 'campaign', arn: campaignArn }]);
}

/** The settings of a campaign as CreateCampaign / UpdateCampaign take them. */
export interface CampaignSpec {
  readonly solutionVersionArn: string;
  readonly minProvisionedTPS: number;
  readonly campaignConfig: {
    readonly itemExplorationConfig?: Record<string, string>;
    readonly syncWithLatestSolutionVersion?: boolean;
  };
}

/**
 * The wanted campaign. With `syncWithLatestSolutionVersion` the campaign is pointed at
 * `<solutionArn>/$LATEST`, as Personalize requires, and follows each new version by itself.
 */
export function campaignSpec(settings: CampaignSettings, solutionVersionArn: string): CampaignSpec {
  const exploration: Record<string, string> = {};
  if (settings.explorationWeight !== undefined)
    exploration.explorationWeight = String(settings.explorationWeight);
  if (settings.explorationItemAgeCutOff !== undefined) {
    exploration.explorationItemAgeCutOff = String(settings.explorationItemAgeCutOff);
  }
  const sync = settings.syncWithLatestSolutionVersion === true;
  const version = sync
    ? `${solutionVersionArn.slice(0, solutionVersionArn.lastIndexOf('/'))}/$LATEST`
    : solutionVersionArn;
  return {
    solutionVersionArn: version,
    minProvisionedTPS: settings.minProvisionedTPS,
    campaignConfig: {
      ...(Object.keys(exploration).length > 0 ? { itemExplorationConfig: exploration } : {}),
      ...(settings.syncWithLatestSolutionVersion !== undefined
        ? { syncWithLatestSolutionVersion: sync }
        : {}),
    },
  };
}

/** What an existing campaign currently has. */
export interface CampaignState {
  readonly solutionVersionArn?: string | undefined;
  readonly minProvisionedTPS?: number | undefined;
  readonly campaignConfig?:
    | {
        readonly itemExplorationConfig?: Record<string, string> | undefined;
        readonly syncWithLatestSolutionVersion?: boolean | undefined;
      }
    | undefined;
}

/** The settings that differ between the wanted and the current campaign (empty: unchanged). */
export function campaignChanges(wanted: CampaignSpec, current: CampaignState): string[] {
  const changes: string[] = [];
  if (wanted.solutionVersionArn !== current.solutionVersionArn) changes.push('solutionVersionArn');
  if (wanted.minProvisionedTPS !== current.minProvisionedTPS) changes.push('minProvisionedTPS');
  const wantedExploration = wanted.campaignConfig.itemExplorationConfig ?? {};
  const currentExploration = current.campaignConfig?.itemExplorationConfig ?? {};
  const explorationKeys = Object.keys(wantedExploration);
  if (
    explorationKeys.some(
      (key) => Number(wantedExploration[key]) !== Number(currentExploration[key] ?? Number.NaN),
    )
  ) {
    changes.push('itemExplorationConfig');
  }
  if (
    Boolean(wanted.campaignConfig.syncWithLatestSolutionVersion) !==
    Boolean(current.campaignConfig?.syncWithLatestSolutionVersion)
  ) {
    changes.push('syncWithLatestSolutionVersion');
  }
  return changes;
}
