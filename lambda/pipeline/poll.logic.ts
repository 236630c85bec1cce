/**
 * Pure logic of the `poll` step: from the statuses of a stage's resources, decide whether the stage
 * is done, failed (`ResourceFailed` with Personalize's failureReason verbatim), timed out
 * (`StageTimeout` naming the pending resources), or must wait `nextWaitSeconds(elapsed)` more.
 */
import { ResourceFailed, StageTimeout } from '../shared/errors';
import { FAILED_STATUSES } from '../shared/personalize';
import { nextWaitSeconds } from '../shared/polling';
import type { PollEvent, PollKind, PollResult } from './contract';

/** Status reported for a `deleted` target whose Describe answers ResourceNotFoundException. */
export const DELETED = 'DELETED';

export interface ObservedTarget {
  readonly kind: PollKind;
  readonly arn: string;
  readonly status: string;
  readonly failureReason?: string | undefined;
}

/** Whether one target has reached its goal. */
export function isDone(target: ObservedTarget): boolean {
  return target.kind === 'deleted' ? target.status === DELETED : target.status === 'ACTIVE';
}

/**
 * @throws ResourceFailed for the first target in CREATE FAILED / CREATE STOPPED.
 * @throws StageTimeout when not done and more than `timeoutSeconds` have elapsed.
 */
export function assessStage(
  stage: string,
  targets: readonly ObservedTarget[],
  elapsedSeconds: number,
  timeoutSeconds: number,
): PollResult {
  const failed = targets.find((t) => t.kind !== 'deleted' && FAILED_STATUSES.has(t.status));
  if (failed) throw new ResourceFailed(failed.arn, failed.status, failed.failureReason);
  const statuses = targets.map(({ arn, status }) => ({ arn, status }));
  const pending = targets.filter((t) => !isDone(t));
  const elapsed = Math.max(0, Math.floor(elapsedSeconds));
  if (pending.length === 0) return { done: true, waitSeconds: 0, elapsedSeconds: elapsed, statuses };
  if (elapsed > timeoutSeconds) throw new StageTimeout(stage, elapsed, timeoutSeconds, pending);
  return { done: false, waitSeconds: nextWaitSeconds(elapsed), elapsedSeconds: elapsed, statuses };
}

/** The kind of resource an ARN names, from its resource segment. */
export function kindOfArn(arn: string): Exclude<PollKind, 'deleted'> | 'schema' | undefined {
  const resource = arn.split(':').slice(5).join(':');
  const [segment, ...rest] = resource.split('/');
  switch (segment) {
    case 'dataset-group':
      return 'datasetGroup';
    case 'dataset':
      return 'dataset';
    case 'dataset-import-job':
      return 'datasetImportJob';
    case 'filter':
      return 'filter';
    case 'solution':
      return rest.length > 1 ? 'solutionVersion' : 'solution';
    case 'campaign':
      return 'campaign';
    case 'event-tracker':
      return 'eventTracker';
    case 'batch-inference-job':
      return 'batchInferenceJob';
    case 'batch-segment-job':
      return 'batchSegmentJob';
    case 'schema':
      return 'schema';
    default:
      return undefined;
  }
}

/** Timeout of a stage whose event names none: one hour, the config's default for "other" stages. */
export const FALLBACK_TIMEOUT_SECONDS = 3_600;

/** The stage timeout in seconds: `timeoutSeconds`, else `timeoutMinutes` × 60, else one hour. */
export function timeoutSecondsOf(event: Pick<PollEvent, 'timeoutSeconds' | 'timeoutMinutes'>): number {
  if (event.timeoutSeconds !== undefined) return event.timeoutSeconds;
  if (event.timeoutMinutes !== undefined) return event.timeoutMinutes * 60;
  return FALLBACK_TIMEOUT_SECONDS;
}
