/**
 * Step `event-tracker`: ensures the dataset group's event tracker `<project>-tracker` and stores its
 * ARN and tracking id in the SSM parameter `<PARAMETER_PREFIX>/event-tracker` (JSON
 * `{ eventTrackerArn, trackingId }`) for the event API. The tracking id is known as soon as the
 * tracker is created, so the parameter is written even before the tracker is ACTIVE.
 */
import {
  CreateEventTrackerCommand,
  DescribeEventTrackerCommand,
  ListEventTrackersCommand,
} from '@aws-sdk/client-personalize';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { ssmClient } from '../shared/ssm';
import { requireEnv } from '../shared/env';
import { ResourceConflict } from '../shared/errors';
import { logger } from '../shared/logger';
import { pollable } from '../shared/polling';
import { eventTrackerName } from '../../core/names';
import {
  describeOrUndefined,
  isAlreadyExists,
  listAll,
  personalizeArn,
  personalizeClient,
  scopeOfArn,
  tagged,
} from '../shared/personalize';
import type { EventTrackerEvent, EventTrackerResult } from '../../core/pipeline-contract';

const PARAMETER_PREFIX = requireEnv('PARAMETER_PREFIX');

export const handler = async (event: EventTrackerEvent): Promise<EventTrackerResult> => {
  const client = personalizeClient();
  const name = eventTrackerName(event.config.projectName);
  const arn = personalizeArn(scopeOfArn(event.datasetGroupArn), 'event-tracker', name);
  let tracker = (
    await describeOrUndefined(() => client.send(new DescribeEventTrackerCommand({ eventTrackerArn: arn })))
  )?.eventTracker;
  if (tracker === undefined) {
    try {
      await client.send(
        new CreateEventTrackerCommand({
          name,
          datasetGroupArn: event.datasetGroupArn,
          ...tagged(event.config.tags),
        }),
      );
    } catch (error) {
      if (!isAlreadyExists(error) && !(error instanceof Error && error.name === 'LimitExceededException'))
        throw error;
      const others = await listAll(async (nextToken) => {
        const page = await client.send(
          new ListEventTrackersCommand({ datasetGroupArn: event.datasetGroupArn, nextToken }),
        );
        return { items: page.eventTrackers, nextToken: page.nextToken };
      });
      if (!others.some((t) => t.eventTrackerArn === arn)) {
        // A quota error with no other tracker in the group is a real quota problem: pass it on as is.
        if (others.length === 0) throw error;
        throw new ResourceConflict(
          `The dataset group ${event.datasetGroupArn} already has event tracker ${others.map((t) => t.eventTrackerArn).join(', ')}; a group holds one tracker. Delete it (teardown) so the pipeline can create ${name}.`,
        );
      }
    }
    tracker = (await client.send(new DescribeEventTrackerCommand({ eventTrackerArn: arn }))).eventTracker;
  }
  const trackingId = tracker?.trackingId ?? '';
  await ssmClient().send(
    new PutParameterCommand({
      Name: `${PARAMETER_PREFIX}/event-tracker`,
      Value: JSON.stringify({ eventTrackerArn: arn, trackingId }),
      Type: 'String',
      Overwrite: true,
    }),
  );
  logger.info('Event tracker ensured', { eventTrackerArn: arn, status: tracker?.status });
  return { eventTrackerArn: arn, trackingId, ...pollable([{ kind: 'eventTracker', arn }]) };
};
