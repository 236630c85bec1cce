import { solutionDifferences } from '../../../lambda/pipeline/solution.logic';

describe('solution differences', () => {
  test('finds nothing when the existing solution matches, ignoring service defaults it adds', () => {
    const wanted = {
      recipeArn: 'r',
      performHPO: false,
      solutionConfig: { algorithmHyperParameters: { a: '1' } },
    };
    const existing = {
      ...wanted,
      solutionConfig: { algorithmHyperParameters: { a: '1' }, autoMLConfig: {} },
    };
    expect(solutionDifferences(wanted, existing)).toEqual([]);
  });

  test('names the recipe, HPO, event type and solutionConfig paths that differ', () => {
    const differences = solutionDifferences(
      {
        recipeArn: 'r2',
        performHPO: true,
        eventType: 'purchase',
        solutionConfig: { algorithmHyperParameters: { a: '2' } },
      },
      { recipeArn: 'r1', performHPO: false, solutionConfig: { algorithmHyperParameters: { a: '1' } } },
    );
    expect(differences).toEqual([
      'recipe is r1, config says r2',
      'performHPO is false, config says true',
      'eventType is (all events), config says purchase',
      'solutionConfig.algorithmHyperParameters.a differs from the config',
    ]);
  });
});
