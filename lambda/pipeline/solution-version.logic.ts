/**
 * The `solution-version` step: trains a new solution version when needed and returns the version to
 * evaluate and deploy. `trained: true` means a version is being created (new, or one already in progress)
 * and the state machine must poll it; `trained: false` returns the newest ACTIVE version unchanged.
 *
 * The decision ({@link decideTraining}), in order:
 * 1. a version still being created is reused (the state machine polls it);
 * 2. with no ACTIVE version, a FULL version is trained;
 * 3. when the run forces it (`force`, or a `trainingMode` from a schedule) and the solution is
 *    selected, a version is trained in the requested mode (or the solution's own mode);
 * 4. when an import job of the dataset group finished after the newest ACTIVE version was created,
 *    a version is trained in the solution's configured mode;
 * 5. when the solution has consumers (a campaign, or batch jobs in the config) and none of them uses
 *    the newest ACTIVE version yet, that version counts as new, whichever run trained it (e.g. a run
 *    that crashed or was stopped after training): it is returned with `trained: true`, so this run
 *    evaluates, deploys it and runs its batch jobs;
 * 6. otherwise the newest ACTIVE version is kept.
 * UPDATE needs a recipe that supports it and an ACTIVE version; otherwise FULL is used, and the
 * reason says so.
 *
 * Two runs may decide at the same time: when CreateSolutionVersion answers ResourceInUseException
 * (Personalize trains one version of a solution at a time), the version the other run started is
 * reused instead.
 */
import {
  CreateSolutionVersionCommand,
  DescribeCampaignCommand,
  DescribeSolutionCommand,
  ListBatchInferenceJobsCommand,
  ListBatchSegmentJobsCommand,
  ListDatasetImportJobsCommand,
  ListDatasetsCommand,
  ListSolutionVersionsCommand,
  type PersonalizeClient,
} from '@aws-sdk/client-personalize';
import type {
  PollTarget,
  SolutionVersionEvent,
  SolutionVersionResult,
  TrainingMode,
} from '../../core/pipeline-contract';
import { campaignName } from '../../core/names';
import { findRecipe } from '../../core/recipes';
import { ResourceBusy } from '../shared/errors';
import { logger } from '../shared/logger';
import { pollable } from '../shared/polling';
import {
  CREATING_STATUSES,
  describeOrUndefined,
  epochSeconds,
  FAILED_STATUSES,
  isInUse,
  listAll,
  personalizeArn,
  scopeOfArn,
  tagged,
  type PersonalizeDeps,
} from '../shared/personalize';

/** Trains a version when {@link decideTraining} says so; returns the version to poll, evaluate and deploy. */
export async function trainIfNeeded(
  event: SolutionVersionEvent,
  { personalize }: PersonalizeDeps,
): Promise<SolutionVersionResult> {
  const { solution, solutionArn, options } = event;
  const described = (await personalize.send(new DescribeSolutionCommand({ solutionArn }))).solution;
  if (described?.status !== 'ACTIVE') {
    throw new ResourceBusy(
      `Solution ${solutionArn} is ${described?.status ?? 'unknown'}; versions can be trained once it is ACTIVE.`,
    );
  }
  const versions = await listVersions(personalize, solutionArn);
  const newestActive = newest(versions.filter((v) => v.status === 'ACTIVE'));
  const hasConsumers =
    solution.campaign !== undefined || event.config.batchJobs.some((job) => job.solution === solution.name);
  const decision = decideTraining({
    versions,
    ...(await lastImportFinishedAt(personalize, described.datasetGroupArn ?? '')),
    force: options.force,
    ...(options.trainingMode !== undefined ? { requestedMode: options.trainingMode } : {}),
    selected: options.solutions.includes(solution.name),
    configuredMode: solution.trainingMode,
    supportsUpdate: findRecipe(solution.recipe)?.supportsUpdateTraining ?? false,
    ...(hasConsumers && newestActive !== undefined
      ? {
          newestActiveInUse: await versionInUse(personalize, {
            solutionVersionArn: newestActive.arn,
            campaignArn:
              solution.campaign !== undefined
                ? personalizeArn(
                    scopeOfArn(solutionArn),
                    'campaign',
                    campaignName(event.config.projectName, solution.name),
                  )
                : undefined,
          }),
        }
      : {}),
  });
  logger.info('Training decision', { solutionArn, ...decision });
  if (decision.action === 'reuse' || decision.action === 'adopt')
    return { ...versionResult(decision.solutionVersionArn), trained: true, reason: decision.reason };
  if (decision.action === 'keep')
    return { ...versionResult(decision.solutionVersionArn), trained: false, reason: decision.reason };
  try {
    const out = await personalize.send(
      new CreateSolutionVersionCommand({
        solutionArn,
        trainingMode: decision.trainingMode,
        ...tagged(event.config.tags),
      }),
    );
    return {
      ...versionResult(out.solutionVersionArn ?? ''),
      trained: true,
      reason: decision.reason,
      trainingMode: decision.trainingMode,
    };
  } catch (error) {
    if (!isInUse(error)) throw error;
    // Another run started a version between our listing and our call: train with it.
    const running = newest((await listVersions(personalize, solutionArn)).filter(isCreating));
    if (running === undefined) {
      throw new ResourceBusy(
        `Solution ${solutionArn} is busy (${error instanceof Error ? error.message : String(error)}); retry.`,
      );
    }
    logger.info('Reusing the version another run started', { solutionArn, version: running.arn });
    return {
      ...versionResult(running.arn),
      trained: true,
      reason: `${decision.reason}; version ${running.arn}, started by another run at the same time, is trained instead`,
    };
  }
}

/** Every version of the solution, as {@link decideTraining} takes them. */
async function listVersions(personalize: PersonalizeClient, solutionArn: string): Promise<VersionInfo[]> {
  const versions = await listAll(async (nextToken) => {
    const page = await personalize.send(new ListSolutionVersionsCommand({ solutionArn, nextToken }));
    return { items: page.solutionVersions, nextToken: page.nextToken };
  });
  return versions.map((v) => ({
    arn: v.solutionVersionArn ?? '',
    status: v.status ?? '',
    createdAt: epochSeconds(v.creationDateTime),
  }));
}

function isCreating(version: VersionInfo): boolean {
  return CREATING_STATUSES.has(version.status);
}

/**
 * Whether a campaign serves the version (or is being updated to it, or follows `$LATEST`), or a batch
 * inference or segment job that did not fail ran on it.
 */
async function versionInUse(
  personalize: PersonalizeClient,
  where: { readonly solutionVersionArn: string; readonly campaignArn: string | undefined },
): Promise<boolean> {
  const { solutionVersionArn, campaignArn } = where;
  if (campaignArn !== undefined) {
    const campaign = (
      await describeOrUndefined(() => personalize.send(new DescribeCampaignCommand({ campaignArn })))
    )?.campaign;
    const served = [campaign?.solutionVersionArn, campaign?.latestCampaignUpdate?.solutionVersionArn];
    if (served.some((arn) => arn === solutionVersionArn || arn?.endsWith('/$LATEST') === true)) return true;
  }
  const inference = await listAll(async (nextToken) => {
    const page = await personalize.send(new ListBatchInferenceJobsCommand({ solutionVersionArn, nextToken }));
    return { items: page.batchInferenceJobs, nextToken: page.nextToken };
  });
  const segment = await listAll(async (nextToken) => {
    const page = await personalize.send(new ListBatchSegmentJobsCommand({ solutionVersionArn, nextToken }));
    return { items: page.batchSegmentJobs, nextToken: page.nextToken };
  });
  return [...inference, ...segment].some(
    (job) => job.solutionVersionArn === solutionVersionArn && !FAILED_STATUSES.has(job.status ?? ''),
  );
}

/** When the newest successful import job of the dataset group finished (its last update). */
async function lastImportFinishedAt(
  personalize: PersonalizeClient,
  datasetGroupArn: string,
): Promise<{ lastImportFinishedAt?: number }> {
  const datasets = await listAll(async (nextToken) => {
    const page = await personalize.send(new ListDatasetsCommand({ datasetGroupArn, nextToken }));
    return { items: page.datasets, nextToken: page.nextToken };
  });
  let latest: number | undefined;
  for (const dataset of datasets) {
    const jobs = await listAll(async (nextToken) => {
      const page = await personalize.send(
        new ListDatasetImportJobsCommand({ datasetArn: dataset.datasetArn, nextToken }),
      );
      return { items: page.datasetImportJobs, nextToken: page.nextToken };
    });
    for (const job of jobs) {
      if (job.status !== 'ACTIVE') continue;
      const finished = epochSeconds(job.lastUpdatedDateTime ?? job.creationDateTime);
      latest = latest === undefined ? finished : Math.max(latest, finished);
    }
  }
  return latest === undefined ? {} : { lastImportFinishedAt: latest };
}

function versionResult(solutionVersionArn: string): {
  solutionVersionArn: string;
  targets: PollTarget[];
  startedAt: number;
} {
  return {
    solutionVersionArn,
    ...pollable<PollTarget>([{ kind: 'solutionVersion', arn: solutionVersionArn }]),
  };
}

/** A solution version as ListSolutionVersions lists it. */
export interface VersionInfo {
  readonly arn: string;
  readonly status: string;
  /** Epoch seconds. */
  readonly createdAt: number;
}

/** What {@link decideTraining} decides on, for one solution. */
export interface TrainingDecisionInput {
  readonly versions: readonly VersionInfo[];
  /** Epoch seconds at which the newest ACTIVE import job of the group finished, if any. */
  readonly lastImportFinishedAt?: number;
  readonly force: boolean;
  readonly requestedMode?: TrainingMode;
  readonly selected: boolean;
  readonly configuredMode: TrainingMode;
  readonly supportsUpdate: boolean;
  /**
   * Whether a campaign or batch job of the solution uses its newest ACTIVE version; absent when the
   * solution has no campaign and no batch job (nothing could use it).
   */
  readonly newestActiveInUse?: boolean;
}

/**
 * Reuse a version in progress, adopt the newest ACTIVE one as new (nothing uses it yet), keep it, or train
 * one (in a mode); with the reason.
 */
export type TrainingDecision =
  | { readonly action: 'reuse'; readonly solutionVersionArn: string; readonly reason: string }
  | { readonly action: 'adopt'; readonly solutionVersionArn: string; readonly reason: string }
  | { readonly action: 'keep'; readonly solutionVersionArn: string; readonly reason: string }
  | { readonly action: 'train'; readonly trainingMode: TrainingMode; readonly reason: string };

function newest(versions: readonly VersionInfo[]): VersionInfo | undefined {
  return [...versions].sort((a, b) => b.createdAt - a.createdAt)[0];
}

/** Whether to train a version, in the order the file comment gives. */
export function decideTraining(input: TrainingDecisionInput): TrainingDecision {
  const running = newest(input.versions.filter((v) => CREATING_STATUSES.has(v.status)));
  if (running) {
    return {
      action: 'reuse',
      solutionVersionArn: running.arn,
      reason: `version ${running.arn} is already ${running.status}`,
    };
  }
  const active = newest(input.versions.filter((v) => v.status === 'ACTIVE'));
  if (active === undefined)
    return { action: 'train', trainingMode: 'FULL', reason: 'the solution has no ACTIVE version' };

  const mode = (wanted: TrainingMode, why: string): TrainingDecision => {
    if (wanted === 'UPDATE' && !input.supportsUpdate) {
      return {
        action: 'train',
        trainingMode: 'FULL',
        reason: `${why}; FULL because the recipe cannot train with UPDATE`,
      };
    }
    return { action: 'train', trainingMode: wanted, reason: why };
  };
  if (input.selected && (input.force || input.requestedMode !== undefined)) {
    const why =
      input.requestedMode !== undefined
        ? `${input.requestedMode} training requested by the run`
        : 'forced by the run input';
    return mode(input.requestedMode ?? input.configuredMode, why);
  }
  if (input.lastImportFinishedAt !== undefined && input.lastImportFinishedAt > active.createdAt) {
    return mode(input.configuredMode, `new data was imported after version ${active.arn} was created`);
  }
  if (input.newestActiveInUse === false) {
    return {
      action: 'adopt',
      solutionVersionArn: active.arn,
      reason: `version ${active.arn} is ACTIVE and no campaign or batch job uses it yet (an earlier run trained it and did not deploy it); it counts as new`,
    };
  }
  return {
    action: 'keep',
    solutionVersionArn: active.arn,
    reason: `no new data since version ${active.arn}`,
  };
}
