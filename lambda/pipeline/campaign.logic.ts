/**
 * The `campaign` step: deploys a solution version to the solution's campaign `<project>-<solution>`.
 * Creates the campaign (minProvisionedTPS, itemExplorationConfig, syncWithLatestSolutionVersion), or
 * updates it to the new version / changed settings, or leaves it unchanged. The version served before an
 * update is returned as `previousSolutionVersionArn`, for rollback.
 *
 * Other runs (or people) may change the campaign at the same time; the step never fails for that:
 * - a campaign being created or updated to exactly what this run wants (another run deployed the same
 *   version) is `unchanged`: the following poll loop waits for that creation or update;
 * - an UpdateCampaign answered with ResourceInUseException (another run's update started between our
 *   Describe and our Update) is compared again with the update now in progress: the same settings are
 *   waited for as above, different ones are `ResourceBusy` (retried with backoff);
 * - a campaign being created or updated to something else is `ResourceBusy`: it can be updated once ACTIVE;
 * - a campaign being deleted (DELETE PENDING / DELETE IN_PROGRESS) is `ResourceBusy` until it is gone;
 *   the retried step then creates it again, in the same run (as the solution step does for solutions).
 */
import {
  CreateCampaignCommand,
  DescribeCampaignCommand,
  UpdateCampaignCommand,
  type Campaign,
  type PersonalizeClient,
} from '@aws-sdk/client-personalize';
import type { CampaignSettings } from '../../core/config/schema';
import { campaignName } from '../../core/names';
import type { CampaignEvent, CampaignResult, Pollable, PollTarget } from '../../core/pipeline-contract';
import { ResourceBusy, ValidationFailed } from '../shared/errors';
import { logger } from '../shared/logger';
import { pollable } from '../shared/polling';
import {
  CREATING_STATUSES,
  DELETING_STATUSES,
  describeOrUndefined,
  isAlreadyExists,
  isInUse,
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
  let existing = await describeCampaign(personalize, campaignArn);
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
      // Created (or still being deleted) since our Describe: look again.
      existing = await describeCampaign(personalize, campaignArn);
      if (existing === undefined) {
        throw new ResourceBusy(
          `Campaign ${campaignArn} was created and deleted by another run or person while this run deployed it; retry.`,
        );
      }
    }
  }
  const plan = planCampaignDeployment(spec, existing);
  logger.info('Campaign plan', { campaignArn, ...plan });
  if (plan.action === 'wait') return { campaignArn, action: 'unchanged', ...poll(campaignArn) };
  if (plan.action === 'busy') throw new ResourceBusy(`Campaign ${campaignArn} ${plan.reason}.`);
  const { changes } = plan;
  try {
    await personalize.send(new UpdateCampaignCommand({ campaignArn, ...spec }));
  } catch (error) {
    if (!isInUse(error)) throw error;
    // Another run's update started between our Describe and our Update: compare with it.
    const again = await describeCampaign(personalize, campaignArn);
    const replan = again === undefined ? undefined : planCampaignDeployment(spec, again);
    if (replan?.action === 'wait') {
      logger.info('Waiting for the same update sent by another run', { campaignArn });
      return { campaignArn, action: 'unchanged', ...poll(campaignArn) };
    }
    const why =
      replan?.action === 'busy' ? replan.reason : error instanceof Error ? error.message : String(error);
    throw new ResourceBusy(
      `Campaign ${campaignArn} is busy (${why}); it is updated to ${spec.solutionVersionArn} once it is ACTIVE.`,
    );
  }
  const previous = existing.solutionVersionArn;
  logger.info('Campaign updated', {
    campaignArn,
    changes,
    from: previous,
    to: spec.solutionVersionArn,
  });
  return {
    campaignArn,
    action: 'updated',
    ...(previous ? { previousSolutionVersionArn: previous } : {}),
    ...poll(campaignArn),
  };
}

async function describeCampaign(
  personalize: PersonalizeClient,
  campaignArn: string,
): Promise<Campaign | undefined> {
  return (await describeOrUndefined(() => personalize.send(new DescribeCampaignCommand({ campaignArn }))))
    ?.campaign;
}

/** What an existing campaign and its latest update look like to {@link planCampaignDeployment}. */
export interface ExistingCampaign extends CampaignState {
  readonly status?: string | undefined;
  readonly latestCampaignUpdate?: (CampaignState & { readonly status?: string | undefined }) | undefined;
}

/**
 * What to do with an existing campaign, given the wanted settings:
 * - `wait`: it is, or is becoming, what is wanted (the poll loop waits for a creation or update in progress);
 * - `update`: it is ACTIVE and differs: update it;
 * - `busy`: it is being created, updated to something else or deleted: try again later.
 */
export function planCampaignDeployment(
  wanted: CampaignSpec,
  existing: ExistingCampaign,
):
  | { readonly action: 'wait'; readonly reason: string }
  | { readonly action: 'update'; readonly changes: readonly string[] }
  | { readonly action: 'busy'; readonly reason: string } {
  const status = existing.status ?? 'UNKNOWN';
  if (DELETING_STATUSES.has(status)) {
    return {
      action: 'busy',
      reason: `is ${status} (it was deleted outside this run); it is created again once the deletion has finished`,
    };
  }
  const update = existing.latestCampaignUpdate;
  const updating = update !== undefined && CREATING_STATUSES.has(update.status ?? '');
  // While an update runs, compare against what it is moving to.
  const current = updating ? update : existing;
  const changes = campaignChanges(wanted, current);
  if (changes.length === 0) {
    return {
      action: 'wait',
      reason: updating
        ? `an update to the wanted settings is ${update.status}`
        : `the campaign already has the wanted settings (${status})`,
    };
  }
  if (updating) {
    return {
      action: 'busy',
      reason: `is updating to ${update.solutionVersionArn ?? 'other settings'} (${update.status}); it can be updated once it is ACTIVE`,
    };
  }
  if (status !== 'ACTIVE') {
    return { action: 'busy', reason: `is ${status}; it can be updated once it is ACTIVE` };
  }
  return { action: 'update', changes };
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
