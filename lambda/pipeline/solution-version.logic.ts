/**
 * Pure logic of the `solution-version` step: train a new version or keep the current one.
 *
 * In order:
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
import { CREATING_STATUSES } from '../shared/personalize';
import type { TrainingMode } from '../../core/pipeline-contract';

export interface VersionInfo {
  readonly arn: string;
  readonly status: string;
  /** Epoch seconds. */
  readonly createdAt: number;
}

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

export type TrainingDecision =
  | { readonly action: 'reuse'; readonly solutionVersionArn: string; readonly reason: string }
  | { readonly action: 'keep'; readonly solutionVersionArn: string; readonly reason: string }
  | { readonly action: 'train'; readonly trainingMode: TrainingMode; readonly reason: string };

function newest(versions: readonly VersionInfo[]): VersionInfo | undefined {
  return [...versions].sort((a, b) => b.createdAt - a.createdAt)[0];
}

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
