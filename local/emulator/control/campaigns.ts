import { findRecipe } from '../../../core/recipes';
import { LATEST_SUFFIX, namedArn } from '../arn';
import type { EmulatorContext, HandlerTable } from '../context';
import { InvalidInputException, ResourceInUseException } from '../errors';
import { Status } from '../lifecycle';
import {
  beginDelete,
  createResource,
  isCreating,
  isLive,
  listPage,
  pick,
  render,
  requireActive,
  requireCreated,
  requireFreeArn,
  requireResource,
  quotaReached,
} from '../resources';
import type { CampaignConfig } from '../documents';
import { CAMPAIGN_CONFIG } from '../model-shapes';
import type { ResourceOf } from '../store';
import type { RequestReader } from '../validation';
import { latestVersion } from './solutions';

const UPDATE_KEYS = [
  'solutionVersionArn',
  'minProvisionedTPS',
  'campaignConfig',
  'status',
  'failureReason',
  'creationDateTime',
  'lastUpdatedDateTime',
];

/**
 * Resolves a campaign's `solutionVersionArn` (a version ARN or `{solutionArn}/$LATEST`) to an ACTIVE
 * solution version.
 */
export function resolveServingVersion(
  ctx: EmulatorContext,
  solutionVersionArn: string,
): ResourceOf<'solutionVersion'> {
  if (solutionVersionArn.endsWith(LATEST_SUFFIX)) {
    const solution = requireResource(ctx, solutionVersionArn.slice(0, -LATEST_SUFFIX.length), 'solution');
    const latest = latestVersion(ctx, solution.arn, true);
    if (!latest) throw new ResourceInUseException(`Solution ${solution.arn} has no ACTIVE solution version.`);
    return latest;
  }
  return requireActive(requireResource(ctx, solutionVersionArn, 'solutionVersion'));
}

function readCampaignConfig(
  input: RequestReader,
  solutionVersionArn: string | undefined,
): CampaignConfig | undefined {
  const config = input.optionalShape('campaignConfig', CAMPAIGN_CONFIG);
  if (!config) return undefined;
  if (
    config.syncWithLatestSolutionVersion === true &&
    solutionVersionArn !== undefined &&
    !solutionVersionArn.endsWith(LATEST_SUFFIX)
  ) {
    throw new InvalidInputException(
      'syncWithLatestSolutionVersion requires solutionVersionArn in the form {solutionArn}/$LATEST.',
    );
  }
  return config;
}

function checkDeployable(version: ResourceOf<'solutionVersion'>): void {
  const recipe = findRecipe(version.doc.recipeArn);
  if (recipe && !recipe.supportsCampaign)
    throw new InvalidInputException(
      `Solution versions of recipe ${recipe.name} cannot be deployed in a campaign.`,
    );
}

function renderCampaign(ctx: EmulatorContext, row: ResourceOf<'campaign'>): Record<string, unknown> {
  const view = render(row);
  const update = ctx.store.listResources('campaignUpdate', { parentArn: row.arn })[0];
  if (update) view.latestCampaignUpdate = pick(render(update), UPDATE_KEYS);
  return view;
}

/** CreateCampaign, DescribeCampaign, ListCampaigns, UpdateCampaign, DeleteCampaign. */
export const campaignOperations: HandlerTable = {
  CreateCampaign(ctx, input, req) {
    const name = input.name();
    const solutionVersionArn = input.arn('solutionVersionArn');
    const minProvisionedTPS = input.optionalInteger('minProvisionedTPS', 1) ?? 1;
    const campaignConfig = readCampaignConfig(input, solutionVersionArn);
    const tags = input.tags();
    const version = resolveServingVersion(ctx, solutionVersionArn);
    checkDeployable(version);
    const arn = namedArn(ctx.scope, 'campaign', name);
    requireFreeArn(ctx, arn, 'campaign', name);
    const groupArn = version.groupArn;
    const live = ctx.store
      .listResources('campaign')
      .filter((c) => c.groupArn === groupArn && isLive(c) && c.status !== Status.CREATE_FAILED);
    if (live.length >= ctx.quotas.campaignsPerGroup) {
      throw quotaReached(ctx, 'campaignsPerGroup', 'campaign', ` in dataset group ${groupArn}`);
    }
    createResource(ctx, req, {
      kind: 'campaign',
      arn,
      name,
      parentArn: version.parentArn,
      groupArn,
      tags,
      doc: {
        name,
        campaignArn: arn,
        solutionVersionArn,
        minProvisionedTPS,
        ...(campaignConfig ? { campaignConfig } : {}),
      },
    });
    return { campaignArn: arn };
  },

  DescribeCampaign(ctx, input) {
    return { campaign: renderCampaign(ctx, requireResource(ctx, input.arn('campaignArn'), 'campaign')) };
  },

  ListCampaigns(ctx, input) {
    const solutionArn = input.optionalArn('solutionArn');
    const rows = ctx.store.listResources('campaign', solutionArn ? { parentArn: solutionArn } : {});
    return listPage(
      input,
      rows,
      'campaigns',
      (row) =>
        pick(render(row), [
          'name',
          'campaignArn',
          'status',
          'creationDateTime',
          'lastUpdatedDateTime',
          'failureReason',
        ]),
      [solutionArn],
    );
  },

  UpdateCampaign(ctx, input, req) {
    const row = requireResource(ctx, input.arn('campaignArn'), 'campaign');
    const solutionVersionArn = input.optionalArn('solutionVersionArn');
    const minProvisionedTPS = input.optionalInteger('minProvisionedTPS', 1);
    const campaignConfig = readCampaignConfig(input, solutionVersionArn ?? row.doc.solutionVersionArn);
    if (row.status !== Status.ACTIVE && row.status !== Status.CREATE_FAILED) {
      throw new ResourceInUseException(
        `Campaign ${row.arn} is in status ${row.status}; it can be updated only when ACTIVE or CREATE FAILED.`,
      );
    }
    const pending = ctx.store.listResources('campaignUpdate', { parentArn: row.arn }).find(isCreating);
    if (pending)
      throw new ResourceInUseException(
        `Campaign ${row.arn} already has an update in status ${pending.status}.`,
      );
    if (solutionVersionArn) {
      const version = resolveServingVersion(ctx, solutionVersionArn);
      checkDeployable(version);
      if (version.groupArn !== row.groupArn)
        throw new InvalidInputException(
          `Solution version ${solutionVersionArn} belongs to another dataset group than campaign ${row.arn}.`,
        );
    }
    createResource(ctx, req, {
      kind: 'campaignUpdate',
      arn: `${row.arn}#update-${Date.now()}`,
      name: row.name,
      parentArn: row.arn,
      groupArn: row.groupArn,
      doc: {
        solutionVersionArn: solutionVersionArn ?? row.doc.solutionVersionArn,
        minProvisionedTPS: minProvisionedTPS ?? row.doc.minProvisionedTPS,
        ...((campaignConfig ?? row.doc.campaignConfig)
          ? { campaignConfig: campaignConfig ?? row.doc.campaignConfig }
          : {}),
      },
    });
    return { campaignArn: row.arn };
  },

  DeleteCampaign(ctx, input) {
    const row = requireResource(ctx, input.arn('campaignArn'), 'campaign');
    requireCreated(row);
    beginDelete(ctx, row);
    return {};
  },
};

/** Applies a finished campaign update to its campaign (the new version then serves). */
export function applyCampaignUpdate(ctx: EmulatorContext, update: ResourceOf<'campaignUpdate'>): void {
  const campaign = ctx.store.getResource(update.parentArn ?? '', 'campaign');
  if (!campaign) return;
  const { solutionVersionArn, minProvisionedTPS, campaignConfig } = update.doc;
  ctx.store.updateResource(campaign, {
    status: Status.ACTIVE,
    doc: {
      ...campaign.doc,
      solutionVersionArn,
      minProvisionedTPS,
      ...(campaignConfig ? { campaignConfig } : {}),
      failureReason: undefined,
    },
    updatedAt: ctx.now(),
  });
}
