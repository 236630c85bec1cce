/**
 * Pure logic of the `campaign` step: the campaign settings the config asks for, and whether an
 * existing campaign needs an update.
 */
import type { CampaignSettings } from '../../core/config/schema';

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
