/**
 * The solution-version handler against moto and the emulator: a first version is trained; while no campaign or
 * batch job uses it, it counts as new (a run that trained it may have stopped before deploying it); once its
 * campaign serves it, it is kept.
 */
import { pollUntilDone } from '../helpers';
import { PROJECT, project, withoutStart, world } from './fixture';

describe('the solution-version handler', () => {
  test('solution-version trains a first version, counts it as new until its campaign serves it, then keeps it', async () => {
    // Prepare
    const { h } = await world();
    const p = project(PROJECT);
    const run = await p.run();
    const { solutionArn } = await p.solutionCreated();
    const solution = p.solution(run);
    const event = { config: run.config, options: run.options, solutionArn, solution };
    // Act
    const first = await h.solutionVersion(event);
    const rerun = await h.solutionVersion(event);
    await pollUntilDone(h.poll, 'training', [{ kind: 'solutionVersion', arn: first.solutionVersionArn }]);
    const undeployed = await h.solutionVersion(event);
    const deployed = await h.campaign({
      config: run.config,
      solution,
      solutionVersionArn: undeployed.solutionVersionArn,
    });
    await pollUntilDone(h.poll, 'campaign', deployed.targets);
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
    expect(withoutStart(undeployed)).toEqual({
      solutionVersionArn: first.solutionVersionArn,
      trained: true,
      reason: `version ${first.solutionVersionArn} is ACTIVE and no campaign or batch job uses it yet (an earlier run trained it and did not deploy it); it counts as new`,
      targets: [{ kind: 'solutionVersion', arn: first.solutionVersionArn }],
    });
    expect(withoutStart(later)).toEqual({
      solutionVersionArn: first.solutionVersionArn,
      trained: false,
      reason: `no new data since version ${first.solutionVersionArn}`,
      targets: [{ kind: 'solutionVersion', arn: first.solutionVersionArn }],
    });
  });
});
