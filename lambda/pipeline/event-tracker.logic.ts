/**
 * The `event-tracker` step: ensures the dataset group's event tracker `<project>-tracker` and stores its ARN
 * and tracking id in the SSM parameter `<prefix>/event-tracker` (JSON `{ eventTrackerArn, trackingId }`)
 * for the event API. The tracking id is known as soon as the tracker is created, so the parameter is
 * written even before the tracker is ACTIVE.
 */
import {
  CreateEventTrackerCommand,
  DescribeEventTrackerCommand,
  ListEventTrackersCommand,
  type PersonalizeClient,
} from '@aws-sdk/client-personalize';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { eventTrackerName } from '../../core/names';
import type { EventTrackerEvent, EventTrackerResult } from '../../core/pipeline-contract';
import { ResourceConflict } from '../shared/errors';
import { logger } from '../shared/logger';
import { pollable } from '../shared/polling';
import {
  describeOrUndefined,
  isAlreadyExists,
  listAll,
  personalizeArn,
  scopeOfArn,
  tagged,
} from '../shared/personalize';
import { putJsonParameter } from './parameters';

/** What {@link ensureEventTracker} works with. */
export interface EventTrackerDeps {
  readonly personalize: PersonalizeClient;
  readonly ssm: SSMClient;
  /** Prefix of the project's SSM parameters (PARAMETER_PREFIX). */
  readonly parameterPrefix: string;
}

/** Creates the tracker unless it exists, and publishes its ARN and tracking id for the event API. */
export async function ensureEventTracker(
  event: EventTrackerEvent,
  deps: EventTrackerDeps,
): Promise<EventTrackerResult> {
  const name = eventTrackerName(event.config.projectName);
  const arn = personalizeArn(scopeOfArn(event.datasetGroupArn), 'event-tracker', name);
  const describe = () => deps.personalize.send(new DescribeEventTrackerCommand({ eventTrackerArn: arn }));
  let tracker = (await describeOrUndefined(describe))?.eventTracker;
  if (tracker === undefined) {
    await createTracker(deps.personalize, event, { name, arn });
    tracker = (await describe()).eventTracker;
  }
  const trackingId = tracker?.trackingId ?? '';
  await putJsonParameter(deps.ssm, `${deps.parameterPrefix}/event-tracker`, {
    eventTrackerArn: arn,
    trackingId,
  });
  logger.info('Event tracker ensured', { eventTrackerArn: arn, status: tracker?.status });
  return { eventTrackerArn: arn, trackingId, ...pollable([{ kind: 'eventTracker', arn }]) };
}

/**
 * Creates the tracker. When it already exists (another run) that is fine; when the group holds another
 * tracker (a group holds one), `ResourceConflict` names it.
 */
async function createTracker(
  personalize: PersonalizeClient,
  event: EventTrackerEvent,
  tracker: { readonly name: string; readonly arn: string },
): Promise<void> {
  try {
    await personalize.send(
      new CreateEventTrackerCommand({
        name: tracker.name,
        datasetGroupArn: event.datasetGroupArn,
        ...tagged(event.config.tags),
      }),
    );
  } catch (error) {
    if (!isAlreadyExists(error) && !(error instanceof Error && error.name === 'LimitExceededException'))
      throw error;
    const others = await listAll(async (nextToken) => {
      const page = await personalize.send(
        new ListEventTrackersCommand({ datasetGroupArn: event.datasetGroupArn, nextToken }),
      );
      return { items: page.eventTrackers, nextToken: page.nextToken };
    });
    if (others.some((t) => t.eventTrackerArn === tracker.arn)) return;
    // A quota error with no other tracker in the group is a real quota problem: pass it on as is.
    if (others.length === 0) throw error;
    throw new ResourceConflict(
      `The dataset group ${event.datasetGroupArn} already has event tracker ${others.map((t) => t.eventTrackerArn).join(', ')}; a group holds one tracker. Delete it (teardown) so the pipeline can create ${tracker.name}.`,
    );
  }
}
