/** The solution-version handler against moto and the emulator: a first version is trained, then kept. */
import { pollUntilDone } from '../helpers';
import { PROJECT, project, withoutStart, world } from './fixture';

describe('the solution-version handler', () => {
  test('solution-version trains a first version and then keeps it while no new data arrives', async () => {
    // Prepare
    const { h } = await world();
    const p = project(PROJECT);
    const run = await p.run();
    const { solutionArn } = await p.solutionCreated();
    const event = { config: run.config, options: run.options, solutionArn, solution: p.solution(run) };
    // Act
    const first = await h.solutionVersion(event);
    const rerun = await h.solutionVersion(event);
    await pollUntilDone(h.poll, 'training', [{ kind: 'solutionVersion', arn: first.solutionVersionArn }]);
    const later = await h.solutionVersion(event);
    // Assess
    expect(first).toEqual(
      expect.objectContaining({
        trained: true,
        trainingMode: 'FULL',
        reason: 'the solution has no ACTIVE version',
      }),
    );
    expect(rerun.solutionVersionArn === first.solutionVersionArn).toBe(true);
    expect(withoutStart(later)).toEqual({
      solutionVersionArn: first.solutionVersionArn,
      trained: false,
      reason: `no new data since version ${first.solutionVersionArn}`,
      targets: [{ kind: 'solutionVersion', arn: first.solutionVersionArn }],
    });
  });
});
