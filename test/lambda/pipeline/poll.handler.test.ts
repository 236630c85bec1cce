/**
 * The poll handler against moto and the emulator: a failed resource fails the stage with Personalize's reason
 * verbatim, and finished and failed stages are published as events.
 */
import { captureEvents, failure, pollUntilDone } from '../helpers';
import { PROJECT, project, world } from './fixture';

const REASON = 'Create failed. Dataset has fewer than 25 users with at least 2 interactions each.';

describe('the poll handler', () => {
  test('poll raises ResourceFailed with the failure reason verbatim', async () => {
    // Prepare
    const { h, emulator } = await world();
    const p = project(PROJECT);
    const run = await p.run();
    const { solutionArn } = await p.solutionCreated();
    await p.trained();
    emulator.faults.add([{ operation: 'CreateSolutionVersion', failResource: REASON, count: 1 }]);
    const version = await h.solutionVersion({
      config: run.config,
      options: { ...run.options, force: true },
      solutionArn,
      solution: p.solution(run),
    });
    // Act
    const error = await failure(
      pollUntilDone(h.poll, 'training', [{ kind: 'solutionVersion', arn: version.solutionVersionArn }]),
    );
    // Assess
    expect(error.name).toBe('ResourceFailed');
    expect(error.message).toBe(`${version.solutionVersionArn} is CREATE FAILED: ${REASON}`);
  });

  test('poll publishes a Pipeline Stage Completed event for a finished stage, and a Pipeline Stage Failed event before it raises', async () => {
    // Prepare
    const { h, emulator } = await world();
    const p = project(PROJECT);
    const run = await p.run();
    const { solutionArn } = await p.solutionCreated();
    const campaign = await p.deployed();
    const drain = await captureEvents('stage-events', {
      source: ['personalize-pipeline'],
      'detail-type': ['Pipeline Stage Completed', 'Pipeline Stage Failed'],
    });
    emulator.faults.add([{ operation: 'CreateSolutionVersion', failResource: REASON, count: 1 }]);
    const failing = await h.solutionVersion({
      config: run.config,
      options: { ...run.options, force: true },
      solutionArn,
      solution: p.solution(run),
    });
    // Act
    const done = await pollUntilDone(h.poll, 'Campaign', [{ kind: 'campaign', arn: campaign.campaignArn }]);
    const error = await failure(
      pollUntilDone(h.poll, 'Training', [{ kind: 'solutionVersion', arn: failing.solutionVersionArn }]),
    );
    await pollUntilDone(h.poll, 'BatchJob', []);
    // Assess
    const events = await drain();
    expect(events.map((e) => [e.source, e['detail-type'], e.detail.stage])).toEqual([
      ['personalize-pipeline', 'Pipeline Stage Completed', 'Campaign'],
      ['personalize-pipeline', 'Pipeline Stage Failed', 'Training'],
    ]);
    expect(events[0]?.detail).toEqual({
      project: PROJECT,
      stage: 'Campaign',
      elapsedSeconds: done.elapsedSeconds,
      resources: [{ arn: campaign.campaignArn, status: 'ACTIVE' }],
    });
    expect(events[1]?.detail).toEqual({
      project: PROJECT,
      stage: 'Training',
      elapsedSeconds: expect.any(Number),
      resources: [{ arn: failing.solutionVersionArn, status: 'CREATE FAILED' }],
      error: 'ResourceFailed',
      cause: error.message,
    });
  });
});
