/** The notify-failure handler against moto: it publishes the failure and returns it verbatim. */
import { world } from './fixture';

describe('the notify-failure handler', () => {
  test('notify-failure publishes and returns the cause verbatim', async () => {
    // Prepare
    const { h } = await world();
    const runId = '20990101000000';
    const cause = '{"errorType":"ValidationFailed","errorMessage":"Validation failed with 1 problem"}';
    // Act
    const result = await h.notifyFailure({ runId, Error: 'ValidationFailed', Cause: cause });
    // Assess
    expect(result).toEqual({ runId, error: 'ValidationFailed', cause });
  });
});
