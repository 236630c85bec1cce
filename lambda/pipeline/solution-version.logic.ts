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
 * 5. otherwise the newest ACTIVE version is kept.
 * UPDATE needs a recipe that supports it and an ACTIVE version; otherwise FULL is used, and the
 * reason says so.
 */
import {
  CreateSolutionVersionCommand,
  DescribeSolutionCommand,
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
import { findRecipe } from '../../core/recipes';
import { ResourceBusy } from '../shared/errors';
import { logger } from '../shared/logger';
import { pollable } from '../shared/polling';
import {
  CREATING_STATUSES,
  epochSeconds,
  listAll,
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
  const versions = await listAll(async (nextToken) => {
    const page = await personalize.send(new ListSolutionVersionsCommand({ solutionArn, nextToken }));
    return { items: page.solutionVersions, nextToken: page.nextToken };
  });
  const decision = decideTraining({
    versions: versions.map((v) => ({
      arn: v.solutionVersionArn ?? '',
      status: v.status ?? '',
      createdAt: epochSeconds(v.creationDateTime),
    })),
    ...(await lastImportFinishedAt(personalize, described.datasetGroupArn ?? '')),
    force: options.force,
    ...(options.trainingMode !== undefined ? { requestedMode: options.trainingMode } : {}),
    selected: options.solutions.includes(solution.name),
    configuredMode: solution.trainingMode,
    supportsUpdate: findRecipe(solution.recipe)?.supportsUpdateTraining ?? false,
  });
  logger.info('Training decision', { solutionArn, ...decision });
  if (decision.action === 'reuse')
    return { ...versionResult(decision.solutionVersionArn), trained: true, reason: decision.reason };
  if (decision.action === 'keep')
    return { ...versionResult(decision.solutionVersionArn), trained: false, reason: decision.reason };
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
}

/** Reuse a version in progress, keep the newest ACTIVE one, or train one (in a mode); with the reason. */
export type TrainingDecision =
  | { readonly action: 'reuse'; readonly solutionVersionArn: string; readonly reason: string }
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
  return {
    action: 'keep',
    solutionVersionArn: active.arn,
    reason: `no new data since version ${active.arn}`,
  };
}
