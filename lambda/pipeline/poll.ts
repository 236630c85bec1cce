/**
 * Step `poll`: the describe step of every Wait → describe → Choice loop. Describes each target and
 * returns whether the stage is done and how long to wait before the next poll (short at first,
 * longer as the stage runs, at most 60 s). A failed resource raises `ResourceFailed` with
 * Personalize's failureReason verbatim; a stage past its timeout raises `StageTimeout`. A campaign
 * with an update in progress reports the update's status; kind `deleted` is done once Describe
 * answers ResourceNotFoundException.
 *
 * A stage found done is reported as a `Pipeline Stage Completed` event on EVENT_BUS_NAME (source
 * `personalize-pipeline`, detail { project, stage, elapsedSeconds, resources }), a failed or timed-out
 * one as `Pipeline Stage Failed` before the error is thrown. Publishing never hides the stage's own
 * outcome: a failure to publish is logged, except throttling of the completed event, which is thrown
 * so the state machine retries the poll.
 */
import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  DescribeBatchInferenceJobCommand,
  DescribeBatchSegmentJobCommand,
  DescribeCampaignCommand,
  DescribeDatasetCommand,
  DescribeDatasetGroupCommand,
  DescribeDatasetImportJobCommand,
  DescribeEventTrackerCommand,
  DescribeFilterCommand,
  DescribeSchemaCommand,
  DescribeSolutionCommand,
  DescribeSolutionVersionCommand,
} from '@aws-sdk/client-personalize';
import { requireEnv } from '../shared/env';
import { ResourceFailed, THROTTLING_ERROR_NAMES } from '../shared/errors';
import { logger } from '../shared/logger';
import { eventBridgeClient } from '../shared/notifications';
import { CREATING_STATUSES, isNotFound, personalizeClient } from '../shared/personalize';
import type { PollEvent, PollKind, PollResult } from '../../core/pipeline-contract';
import {
  assessStage,
  DELETED,
  kindOfArn,
  stageCompletedEvent,
  stageFailedEvent,
  timeoutSecondsOf,
  type ObservedTarget,
  type StageEventEntry,
} from './poll.logic';

const PROJECT_NAME = requireEnv('PROJECT_NAME');
const EVENT_BUS_NAME = requireEnv('EVENT_BUS_NAME');

interface Observed {
  readonly status: string;
  readonly failureReason?: string | undefined;
}

export const handler = async (event: PollEvent): Promise<PollResult> => {
  const observed: ObservedTarget[] = [];
  try {
    const result = await assess(event, observed);
    const completed = stageCompletedEvent(EVENT_BUS_NAME, PROJECT_NAME, event.stage, result);
    if (completed) await publish(completed, { rethrowThrottling: true });
    return result;
  } catch (error) {
    const elapsed = Date.now() / 1000 - event.startedAt;
    const failed = stageFailedEvent(EVENT_BUS_NAME, PROJECT_NAME, event.stage, elapsed, observed, error);
    if (failed) await publish(failed, { rethrowThrottling: false });
    throw error;
  }
};

/** Describes every target (into `observed`) and assesses the stage. */
async function assess(event: PollEvent, observed: ObservedTarget[]): Promise<PollResult> {
  for (const target of event.targets) {
    if (target.kind === 'deleted') {
      const kind = kindOfArn(target.arn);
      if (kind === undefined)
        throw new ResourceFailed(
          target.arn,
          'UNKNOWN',
          'This is not an ARN of a Personalize resource the pipeline can describe.',
        );
      try {
        const state = await describe(kind, target.arn);
        observed.push({ kind: 'deleted', arn: target.arn, status: state.status });
      } catch (error) {
        if (!isNotFound(error)) throw error;
        observed.push({ kind: 'deleted', arn: target.arn, status: DELETED });
      }
      continue;
    }
    try {
      observed.push({ kind: target.kind, arn: target.arn, ...(await describe(target.kind, target.arn)) });
    } catch (error) {
      if (!isNotFound(error)) throw error;
      throw new ResourceFailed(
        target.arn,
        'NOT FOUND',
        'The resource does not exist (it may have been deleted while the pipeline waited for it).',
      );
    }
  }
  const result = assessStage(
    event.stage,
    observed,
    Date.now() / 1000 - event.startedAt,
    timeoutSecondsOf(event),
  );
  logger.info('Polled', { stage: event.stage, done: result.done, statuses: result.statuses });
  return result;
}

/** Puts a stage event; failures are logged (throttling optionally thrown, for the state machine to retry). */
async function publish(entry: StageEventEntry, options: { rethrowThrottling: boolean }): Promise<void> {
  try {
    const out = await eventBridgeClient().send(new PutEventsCommand({ Entries: [entry] }));
    if ((out.FailedEntryCount ?? 0) > 0)
      logger.warn('EventBridge rejected the stage event', {
        detailType: entry.DetailType,
        entries: out.Entries,
      });
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    if (options.rethrowThrottling && (THROTTLING_ERROR_NAMES as readonly string[]).includes(name))
      throw error;
    logger.warn('Could not publish the stage event', { detailType: entry.DetailType, error });
  }
}

async function describe(kind: Exclude<PollKind, 'deleted'> | 'schema', arn: string): Promise<Observed> {
  const client = personalizeClient();
  switch (kind) {
    case 'datasetGroup':
      return fields(
        (await client.send(new DescribeDatasetGroupCommand({ datasetGroupArn: arn }))).datasetGroup,
      );
    case 'dataset': {
      const dataset = (await client.send(new DescribeDatasetCommand({ datasetArn: arn }))).dataset;
      const update = dataset?.latestDatasetUpdate;
      if (update && (CREATING_STATUSES.has(update.status ?? '') || update.status === 'CREATE FAILED'))
        return fields(update);
      return fields(dataset);
    }
    case 'datasetImportJob':
      return fields(
        (await client.send(new DescribeDatasetImportJobCommand({ datasetImportJobArn: arn })))
          .datasetImportJob,
      );
    case 'filter':
      return fields((await client.send(new DescribeFilterCommand({ filterArn: arn }))).filter);
    case 'solution':
      return fields((await client.send(new DescribeSolutionCommand({ solutionArn: arn }))).solution);
    case 'solutionVersion':
      return fields(
        (await client.send(new DescribeSolutionVersionCommand({ solutionVersionArn: arn }))).solutionVersion,
      );
    case 'campaign': {
      const campaign = (await client.send(new DescribeCampaignCommand({ campaignArn: arn }))).campaign;
      const update = campaign?.latestCampaignUpdate;
      if (update && (CREATING_STATUSES.has(update.status ?? '') || update.status === 'CREATE FAILED'))
        return fields(update);
      return fields(campaign);
    }
    case 'eventTracker':
      return fields(
        (await client.send(new DescribeEventTrackerCommand({ eventTrackerArn: arn }))).eventTracker,
      );
    case 'batchInferenceJob':
      return fields(
        (await client.send(new DescribeBatchInferenceJobCommand({ batchInferenceJobArn: arn })))
          .batchInferenceJob,
      );
    case 'batchSegmentJob':
      return fields(
        (await client.send(new DescribeBatchSegmentJobCommand({ batchSegmentJobArn: arn }))).batchSegmentJob,
      );
    case 'schema':
      await client.send(new DescribeSchemaCommand({ schemaArn: arn }));
      return { status: 'ACTIVE' };
  }
}

function fields(
  resource: { status?: string | undefined; failureReason?: string | undefined } | undefined,
): Observed {
  return { status: resource?.status ?? 'UNKNOWN', failureReason: resource?.failureReason };
}
