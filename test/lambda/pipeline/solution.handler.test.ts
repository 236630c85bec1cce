/** The solution handler against moto and the emulator: the solution is created once and never changed. */
import { failure, pollUntilDone } from '../helpers';
import { PROJECT, project, withoutStart, world } from './fixture';

describe('the solution handler', () => {
  test('solution creates the solution once and refuses to change an existing one', async () => {
    // Prepare
    const { h } = await world();
    const p = project(PROJECT);
    const run = await p.run();
    const { datasetGroupArn } = await p.group();
    await p.imported();
    const solution = p.solution(run);
    // Act
    const first = await h.solution({ config: run.config, options: run.options, datasetGroupArn, solution });
    await pollUntilDone(h.poll, 'solution', [{ kind: 'solution', arn: first.solutionArn }]);
    const second = await h.solution({ config: run.config, options: run.options, datasetGroupArn, solution });
    const conflict = await failure(
      h.solution({
        config: run.config,
        options: run.options,
        datasetGroupArn,
        solution: { ...solution, recipe: 'aws-trending-now' },
      }),
    );
    // Assess
    expect(withoutStart(first)).toEqual({
      solutionArn: `arn:aws:personalize:us-east-1:123456789012:solution/${PROJECT}-popular`,
      created: true,
      targets: [{ kind: 'solution', arn: first.solutionArn }],
    });
    expect(second).toEqual(expect.objectContaining({ solutionArn: first.solutionArn, created: false }));
    expect(conflict.name).toBe('ResourceConflict');
    expect(conflict.message).toContain(
      'recipe is arn:aws:personalize:::recipe/aws-popularity-count, config says arn:aws:personalize:::recipe/aws-trending-now',
    );
    expect(conflict.message).toContain('give solution "popular" a new name');
  });
});
