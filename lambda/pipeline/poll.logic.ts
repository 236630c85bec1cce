/**
 * The `poll` step: the describe step of every Wait → describe → Choice loop. {@link pollStage} describes each
 * target and returns whether the stage is done and how long to wait before the next poll (short at first,
 * longer as the stage runs, at most 60 s). A failed resource raises `ResourceFailed` with Personalize's
 * failureReason verbatim; a stage past its timeout raises `StageTimeout` naming the pending resources. A
 * campaign, dataset or recommender with an update in progress reports the update's status (a recommender's
 * `latestRecommenderUpdate`); a recommender is done once ACTIVE, one its config stops (kind `stoppedRecommender`) once
 * INACTIVE; kind `deleted` is done once Describe answers ResourceNotFoundException.
 *
 * A stage found done is reported as a `Pipeline Stage Completed` event (detail { project, stage,
 * elapsedSeconds, resources }), a failed or timed-out one as `Pipeline Stage Failed` before the error is
 * thrown. Publishing never hides the stage's own outcome: a failure to publish is logged, except throttling
 * of the completed event, which is thrown so the state machine retries the poll.
 */
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import {
  DescribeBatchInferenceJobCommand,
  DescribeBatchSegmentJobCommand,
  DescribeCampaignCommand,
  DescribeDatasetCommand,
  DescribeDatasetGroupCommand,
  DescribeDatasetImportJobCommand,
  DescribeEventTrackerCommand,
  DescribeFilterCommand,
  DescribeMetricAttributionCommand,
  DescribeRecommenderCommand,
  DescribeSchemaCommand,
  DescribeSolutionCommand,
  DescribeSolutionVersionCommand,
  type PersonalizeClient,
} from '@aws-sdk/client-personalize';
import type { PollEvent, PollKind, PollResult } from '../../core/pipeline-contract';
import { ResourceFailed, StageTimeout, THROTTLING_ERROR_NAMES } from '../shared/errors';
import { logger } from '../shared/logger';
import { pipelineEvent, putPipelineEvent, type PipelineEventEntry } from '../shared/notifications';
import { CREATING_STATUSES, FAILED_STATUSES, isNotFound } from '../shared/personalize';
import { nextWaitSeconds } from '../shared/polling';

/** What {@link pollStage} works with. */
export interface PollDeps {
  readonly personalize: PersonalizeClient;
  readonly eventBridge: EventBridgeClient;
  /** The project the stage events name (PROJECT_NAME). */
  readonly projectName: string;
  /** The bus the stage events go to (EVENT_BUS_NAME). */
  readonly eventBusName: string;
}

/** Describes the stage's targets and assesses the stage, publishing its event when it finished or failed. */
export async function pollStage(event: PollEvent, deps: PollDeps): Promise<PollResult> {
  const stage: StageOfProject = { bus: deps.eventBusName, project: deps.projectName, stage: event.stage };
  const observed: ObservedTarget[] = [];
  try {
    for (const target of event.targets) observed.push(await observe(deps.personalize, target));
    const result = assessStage({
      stage: event.stage,
      targets: observed,
      elapsedSeconds: Date.now() / 1000 - event.startedAt,
      timeoutSeconds: timeoutSecondsOf(event),
    });
    logger.info('Polled', { stage: event.stage, done: result.done, statuses: result.statuses });
    const completed = stageCompletedEvent(stage, result);
    if (completed) await publish(deps.eventBridge, completed, { rethrowThrottling: true });
    return result;
  } catch (error) {
    const elapsedSeconds = Date.now() / 1000 - event.startedAt;
    const failed = stageFailedEvent(stage, { elapsedSeconds, observed, error });
    if (failed) await publish(deps.eventBridge, failed, { rethrowThrottling: false });
    throw error;
  }
}

/** A target's status. A `deleted` target that is gone is {@link DELETED}; any other that is gone has failed. */
async function observe(
  personalize: PersonalizeClient,
  target: { readonly kind: PollKind; readonly arn: string },
): Promise<ObservedTarget> {
  if (target.kind === 'deleted') {
    const kind = kindOfArn(target.arn);
    if (kind === undefined)
      throw new ResourceFailed(
        target.arn,
        'UNKNOWN',
        'This is not an ARN of a Personalize resource the pipeline can describe.',
      );
    try {
      const state = await describe(personalize, kind, target.arn);
      return { kind: 'deleted', arn: target.arn, status: state.status };
    } catch (error) {
      if (!isNotFound(error)) throw error;
      return { kind: 'deleted', arn: target.arn, status: DELETED };
    }
  }
  try {
    return { kind: target.kind, arn: target.arn, ...(await describe(personalize, target.kind, target.arn)) };
  } catch (error) {
    if (!isNotFound(error)) throw error;
    throw new ResourceFailed(
      target.arn,
      'NOT FOUND',
      'The resource does not exist (it may have been deleted while the pipeline waited for it).',
    );
  }
}

/** Puts a stage event; failures are logged (throttling optionally thrown, for the state machine to retry). */
async function publish(
  eventBridge: EventBridgeClient,
  entry: PipelineEventEntry,
  options: { rethrowThrottling: boolean },
): Promise<void> {
  try {
    await putPipelineEvent(eventBridge, entry);
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    if (options.rethrowThrottling && (THROTTLING_ERROR_NAMES as readonly string[]).includes(name))
      throw error;
    logger.warn('Could not publish the stage event', { detailType: entry.DetailType, error });
  }
}

/** The status of a resource, and Personalize's failureReason when it failed. */
interface Observed {
  readonly status: string;
  readonly failureReason?: string | undefined;
}

async function describe(
  personalize: PersonalizeClient,
  kind: Exclude<PollKind, 'deleted'> | 'schema',
  arn: string,
): Promise<Observed> {
  switch (kind) {
    case 'datasetGroup':
      return fields(
        (await personalize.send(new DescribeDatasetGroupCommand({ datasetGroupArn: arn }))).datasetGroup,
      );
    case 'dataset': {
      const dataset = (await personalize.send(new DescribeDatasetCommand({ datasetArn: arn }))).dataset;
      return fields(followUpdate(dataset, dataset?.latestDatasetUpdate));
    }
    case 'datasetImportJob':
      return fields(
        (await personalize.send(new DescribeDatasetImportJobCommand({ datasetImportJobArn: arn })))
          .datasetImportJob,
      );
    case 'filter':
      return fields((await personalize.send(new DescribeFilterCommand({ filterArn: arn }))).filter);
    case 'solution':
      return fields((await personalize.send(new DescribeSolutionCommand({ solutionArn: arn }))).solution);
    case 'solutionVersion':
      return fields(
        (await personalize.send(new DescribeSolutionVersionCommand({ solutionVersionArn: arn })))
          .solutionVersion,
      );
    case 'campaign': {
      const campaign = (await personalize.send(new DescribeCampaignCommand({ campaignArn: arn }))).campaign;
      return fields(followUpdate(campaign, campaign?.latestCampaignUpdate));
    }
    case 'eventTracker':
      return fields(
        (await personalize.send(new DescribeEventTrackerCommand({ eventTrackerArn: arn }))).eventTracker,
      );
    case 'batchInferenceJob':
      return fields(
        (await personalize.send(new DescribeBatchInferenceJobCommand({ batchInferenceJobArn: arn })))
          .batchInferenceJob,
      );
    case 'batchSegmentJob':
      return fields(
        (await personalize.send(new DescribeBatchSegmentJobCommand({ batchSegmentJobArn: arn })))
          .batchSegmentJob,
      );
    case 'recommender':
    case 'stoppedRecommender': {
      const recommender = (await personalize.send(new DescribeRecommenderCommand({ recommenderArn: arn })))
        .recommender;
      return fields(followUpdate(recommender, recommender?.latestRecommenderUpdate));
    }
    case 'metricAttribution':
      return fields(
        (await personalize.send(new DescribeMetricAttributionCommand({ metricAttributionArn: arn })))
          .metricAttribution,
      );
    case 'schema':
      await personalize.send(new DescribeSchemaCommand({ schemaArn: arn }));
      return { status: 'ACTIVE' };
  }
}

/** A resource's status and failure reason as Describe reports them. */
type Described = { status?: string | undefined; failureReason?: string | undefined } | undefined;

/** The update in progress (or the one that failed) of a dataset, campaign or recommender, else the resource itself. */
function followUpdate(resource: Described, update: Described): Described {
  if (update && (CREATING_STATUSES.has(update.status ?? '') || update.status === 'CREATE FAILED'))
    return update;
  return resource;
}

function fields(resource: Described): Observed {
  return { status: resource?.status ?? 'UNKNOWN', failureReason: resource?.failureReason };
}

/** Status reported for a `deleted` target whose Describe answers ResourceNotFoundException. */
export const DELETED = 'DELETED';

/** A target as Describe found it. */
export interface ObservedTarget {
  readonly kind: PollKind;
  readonly arn: string;
  readonly status: string;
  readonly failureReason?: string | undefined;
}

/** Whether one target has reached its goal. */
export function isDone(target: ObservedTarget): boolean {
  switch (target.kind) {
    case 'deleted':
      return target.status === DELETED;
    case 'stoppedRecommender':
      return target.status === 'INACTIVE';
    default:
      return target.status === 'ACTIVE';
  }
}

/** The observed state of a stage, as {@link assessStage} judges it. */
export interface StageObservation {
  readonly stage: string;
  readonly targets: readonly ObservedTarget[];
  readonly elapsedSeconds: number;
  readonly timeoutSeconds: number;
}

/**
 * Whether a stage is done, or how long to wait before the next poll.
 * @throws ResourceFailed for the first target in CREATE FAILED / CREATE STOPPED.
 * @throws StageTimeout when not done and more than `timeoutSeconds` have elapsed.
 */
export function assessStage({
  stage,
  targets,
  elapsedSeconds,
  timeoutSeconds,
}: StageObservation): PollResult {
  const failed = targets.find((t) => t.kind !== 'deleted' && FAILED_STATUSES.has(t.status));
  if (failed) throw new ResourceFailed(failed.arn, failed.status, failed.failureReason);
  const statuses = targets.map(({ arn, status }) => ({ arn, status }));
  const pending = targets.filter((t) => !isDone(t));
  const elapsed = Math.max(0, Math.floor(elapsedSeconds));
  if (pending.length === 0) return { done: true, waitSeconds: 0, elapsedSeconds: elapsed, statuses };
  if (elapsed > timeoutSeconds)
    throw new StageTimeout({ stage, elapsedSeconds: elapsed, timeoutSeconds, pending });
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
    case 'recommender':
      return 'recommender';
    case 'metric-attribution':
      return 'metricAttribution';
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

/** `detail-type` of the event of a finished stage (source `personalize-pipeline`). */
export const STAGE_COMPLETED = 'Pipeline Stage Completed';
/** `detail-type` of the event of a failed or timed-out stage. */
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

/** Which stage of which project an event reports, on which bus. */
export interface StageOfProject {
  readonly bus: string;
  readonly project: string;
  readonly stage: string;
}

/**
 * The event for a stage `poll` found done: `Pipeline Stage Completed` with each resource's status.
 * `undefined` for a stage without resources (nothing ran, e.g. every import or a batch job skipped).
 */
export function stageCompletedEvent(
  { bus, project, stage }: StageOfProject,
  result: PollResult,
): PipelineEventEntry | undefined {
  if (!result.done || result.statuses.length === 0) return undefined;
  const detail: StageEventDetail = {
    project,
    stage,
    elapsedSeconds: result.elapsedSeconds,
    resources: result.statuses,
  };
  return pipelineEvent(bus, STAGE_COMPLETED, detail);
}

/** How a stage ended in error: the time it ran, the statuses seen, and the error. */
export interface StageFailure {
  readonly elapsedSeconds: number;
  readonly observed: ReadonlyArray<{ readonly arn: string; readonly status: string }>;
  readonly error: unknown;
}

/**
 * The event for a stage that failed (`ResourceFailed`) or timed out (`StageTimeout`):
 * `Pipeline Stage Failed` with the statuses seen and the error; `undefined` for any other error.
 */
export function stageFailedEvent(
  { bus, project, stage }: StageOfProject,
  { elapsedSeconds, observed, error }: StageFailure,
): PipelineEventEntry | undefined {
  if (!(error instanceof ResourceFailed) && !(error instanceof StageTimeout)) return undefined;
  const resources = observed.map(({ arn, status }) => ({ arn, status }));
  // A resource that failed before it could be listed among the observed ones (e.g. it vanished).
  if (error instanceof ResourceFailed && !resources.some((r) => r.arn === error.arn))
    resources.push({ arn: error.arn, status: error.status });
  const detail: StageEventDetail = {
    project,
    stage,
    elapsedSeconds: Math.max(0, Math.floor(elapsedSeconds)),
    resources,
    error: error.name,
    cause: error.message,
  };
  return pipelineEvent(bus, STAGE_FAILED, detail);
}
