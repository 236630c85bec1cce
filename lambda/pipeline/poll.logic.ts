/**
 * Pure logic of the `poll` step: from the statuses of a stage's resources, decide whether the stage
 * is done, failed (`ResourceFailed` with Personalize's failureReason verbatim), timed out
 * (`StageTimeout` naming the pending resources), or must wait `nextWaitSeconds(elapsed)` more; and
 * the EventBridge event that reports a finished or failed stage.
 */
import { ResourceFailed, StageTimeout } from '../shared/errors';
import { FAILED_STATUSES } from '../shared/personalize';
import { nextWaitSeconds } from '../shared/polling';
import type { PollEvent, PollKind, PollResult } from '../../core/pipeline-contract';

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

/** `source` and `detail-type`s of the stage events `poll` publishes. */
export const STAGE_EVENT_SOURCE = 'personalize-pipeline';
export const STAGE_COMPLETED = 'Pipeline Stage Completed';
export const STAGE_FAILED = 'Pipeline Stage Failed';

/** The `detail` of a stage event. */
export interface StageEventDetail {
  readonly project: string;
  readonly stage: string;
  readonly elapsedSeconds: number;
  readonly resources: ReadonlyArray<{ readonly arn: string; readonly status: string }>;
  /** Failed stages only: the error name (`ResourceFailed` or `StageTimeout`) and its message. */
  readonly error?: string;
  readonly cause?: string;
}

/** A PutEvents entry (the SDK's `PutEventsRequestEntry`, kept free of SDK types). */
export interface StageEventEntry {
  readonly Source: string;
  readonly DetailType: string;
  readonly EventBusName: string;
  readonly Detail: string;
}

/**
 * The event for a stage `poll` found done: `Pipeline Stage Completed` with each resource's status.
 * `undefined` for a stage without resources (nothing ran, e.g. every import or a batch job skipped).
 */
export function stageCompletedEvent(
  bus: string,
  project: string,
  stage: string,
  result: PollResult,
): StageEventEntry | undefined {
  if (!result.done || result.statuses.length === 0) return undefined;
  return entry(bus, STAGE_COMPLETED, {
    project,
    stage,
    elapsedSeconds: result.elapsedSeconds,
    resources: result.statuses,
  });
}

/**
 * The event for a stage that failed (`ResourceFailed`) or timed out (`StageTimeout`):
 * `Pipeline Stage Failed` with the statuses seen and the error; `undefined` for any other error.
 */
export function stageFailedEvent(
  bus: string,
  project: string,
  stage: string,
  elapsedSeconds: number,
  observed: ReadonlyArray<{ readonly arn: string; readonly status: string }>,
  error: unknown,
): StageEventEntry | undefined {
  if (!(error instanceof ResourceFailed) && !(error instanceof StageTimeout)) return undefined;
  const resources = observed.map(({ arn, status }) => ({ arn, status }));
  // A resource that failed before it could be listed among the observed ones (e.g. it vanished).
  if (error instanceof ResourceFailed && !resources.some((r) => r.arn === error.arn))
    resources.push({ arn: error.arn, status: error.status });
  return entry(bus, STAGE_FAILED, {
    project,
    stage,
    elapsedSeconds: Math.max(0, Math.floor(elapsedSeconds)),
    resources,
    error: error.name,
    cause: error.message,
  });
}

function entry(bus: string, detailType: string, detail: StageEventDetail): StageEventEntry {
  return {
    Source: STAGE_EVENT_SOURCE,
    DetailType: detailType,
    EventBusName: bus,
    Detail: JSON.stringify(detail),
  };
}
