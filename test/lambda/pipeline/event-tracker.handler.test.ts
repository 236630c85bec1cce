/** The event-tracker handler against moto and the emulator: one tracker, its tracking id in SSM. */
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { PARAMETER_PREFIX, pollUntilDone } from '../helpers';
import { PROJECT, project, withoutStart, world } from './fixture';

describe('the event-tracker handler', () => {
  test('event-tracker creates the tracker once and stores its tracking id in SSM', async () => {
    // Prepare
    const { h, ssm } = await world();
    const p = project(PROJECT);
    const { config } = await p.run();
    const { datasetGroupArn } = await p.group();
    // Act
    const tracker = await h.eventTracker({ config, datasetGroupArn });
    const again = await h.eventTracker({ config, datasetGroupArn });
    await pollUntilDone(h.poll, 'eventTracker', [{ kind: 'eventTracker', arn: tracker.eventTrackerArn }]);
    // Assess
    expect(tracker.eventTrackerArn).toBe(
      `arn:aws:personalize:us-east-1:123456789012:event-tracker/${PROJECT}-tracker`,
    );
    expect(tracker.trackingId).not.toBe('');
    expect(withoutStart(again)).toEqual(withoutStart(tracker));
    const parameter = await ssm.send(new GetParameterCommand({ Name: `${PARAMETER_PREFIX}/event-tracker` }));
    expect(JSON.parse(parameter.Parameter?.Value ?? '{}')).toEqual({
      eventTrackerArn: tracker.eventTrackerArn,
      trackingId: tracker.trackingId,
    });
  });
});
