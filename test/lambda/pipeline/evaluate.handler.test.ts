/** The evaluate handler against moto and the emulator: the quality gate on a first version. */
import { PROJECT, project, world } from './fixture';

describe('the evaluate handler', () => {
  test('evaluate passes a first version with its offline metrics', async () => {
    // Prepare
    const { h } = await world();
    const p = project(PROJECT);
    const run = await p.run();
    const { solutionVersionArn } = await p.trained();
    // Act
    const evaluation = await h.evaluate({
      config: run.config,
      solution: p.solution(run),
      solutionVersionArn,
      campaignName: `${PROJECT}-popular`,
    });
    // Assess
    expect(evaluation.passed).toBe(true);
    expect(evaluation.metric).toBe('coverage');
    expect(evaluation.value).toBe(evaluation.metrics.coverage);
    expect(evaluation.baseline).toBeUndefined();
  });
});
