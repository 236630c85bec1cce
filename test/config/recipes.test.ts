import {
  CURRENT_RECIPE_NAMES,
  DOMAIN_RECIPES,
  findRecipe,
  isRecipeName,
  RECIPE_NAMES,
  RECIPES,
} from '../../core/config';

describe('the recipe catalogue', () => {
  test('has one entry per recipe name, in the same order', () => {
    // Assess
    expect(RECIPES.map((recipe) => recipe.name)).toEqual([...RECIPE_NAMES]);
  });

  test('includes every recipe the pipeline and the emulator need', () => {
    // Assess
    expect(CURRENT_RECIPE_NAMES).toEqual(
      expect.arrayContaining([
        'aws-user-personalization',
        'aws-user-personalization-v2',
        'aws-personalized-ranking',
        'aws-personalized-ranking-v2',
        'aws-popularity-count',
        'aws-trending-now',
        'aws-sims',
        'aws-similar-items',
        'aws-item-affinity',
        'aws-item-attribute-affinity',
        'aws-next-best-action',
        'aws-semantic-similarity',
      ]),
    );
  });

  test('builds service ARNs from the names', () => {
    // Act
    const sims = findRecipe('aws-sims');

    // Assess
    expect(sims).toMatchObject({
      arn: 'arn:aws:personalize:::recipe/aws-sims',
      algorithmArn: 'arn:aws:personalize:::algorithm/aws-sims',
      featureTransformationArn: 'arn:aws:personalize:::feature-transformation/sims',
      recipeType: 'RELATED_ITEMS',
    });
    expect(findRecipe('aws-trending-now')?.algorithmArn).toBe(
      'arn:aws:personalize:::algorithm/aws-trending-now-custom',
    );
  });

  test('finds a recipe by name or by ARN in any partition', () => {
    // Act & Assess
    expect(findRecipe('aws-user-personalization')?.name).toBe('aws-user-personalization');
    expect(findRecipe('arn:aws:personalize:::recipe/aws-popularity-count')?.name).toBe(
      'aws-popularity-count',
    );
    expect(findRecipe('arn:aws-cn:personalize:::recipe/aws-sims')?.name).toBe('aws-sims');
    expect(findRecipe('aws-simz')).toBeUndefined();
    expect(findRecipe('arn:aws:personalize:::algorithm/aws-sims')).toBeUndefined();
  });

  test('allows UPDATE training only for user-personalization and HRNN-coldstart', () => {
    // Act
    const updatable = RECIPES.filter((recipe) => recipe.supportsUpdateTraining).map((recipe) => recipe.name);

    // Assess
    expect(updatable).toEqual(['aws-user-personalization', 'aws-hrnn-coldstart']);
  });

  test('marks USER_SEGMENTATION recipes as batch-segment only', () => {
    // Act
    const segmentation = RECIPES.filter((recipe) => recipe.recipeType === 'USER_SEGMENTATION');

    // Assess
    expect(segmentation.map((recipe) => recipe.name)).toEqual([
      'aws-item-affinity',
      'aws-item-attribute-affinity',
    ]);
    for (const recipe of segmentation) {
      expect(recipe).toMatchObject({
        supportsCampaign: false,
        supportsBatchInference: false,
        supportsBatchSegment: true,
      });
      expect(recipe.runtimeApi).toBeUndefined();
    }
    expect(RECIPES.filter((recipe) => recipe.supportsBatchSegment)).toEqual(segmentation);
  });

  test('has no batch inference for trending-now and next-best-action', () => {
    // Act
    const withoutBatch = RECIPES.filter(
      (recipe) => !recipe.supportsBatchInference && recipe.recipeType !== 'USER_SEGMENTATION',
    ).map((recipe) => recipe.name);

    // Assess
    expect(withoutBatch).toEqual(['aws-trending-now', 'aws-next-best-action']);
  });

  test('needs the items dataset for semantic similarity and item-attribute affinity', () => {
    // Assess
    expect(findRecipe('aws-semantic-similarity')?.requiredDatasets).toEqual(['Items']);
    expect(findRecipe('aws-item-attribute-affinity')?.requiredDatasets).toEqual(['Interactions', 'Items']);
  });

  test('points every legacy recipe at a current replacement', () => {
    // Act
    const legacy = RECIPES.filter((recipe) => recipe.legacy);

    // Assess
    expect(legacy.map((recipe) => recipe.name)).toEqual([
      'aws-hrnn',
      'aws-hrnn-metadata',
      'aws-hrnn-coldstart',
    ]);
    for (const recipe of legacy) {
      expect(CURRENT_RECIPE_NAMES).toContain(recipe.replacedBy);
    }
    expect(CURRENT_RECIPE_NAMES).toHaveLength(RECIPES.length - legacy.length);
  });

  test('is frozen so callers cannot change it', () => {
    // Act & Assess
    expect(Object.isFrozen(RECIPES)).toBe(true);
    expect(Object.isFrozen(RECIPES[0])).toBe(true);
  });

  test('recognises recipe names', () => {
    // Act & Assess
    expect(isRecipeName('aws-sims')).toBe(true);
    expect(isRecipeName('aws-ecomm-recommended-for-you')).toBe(false);
  });

  test('lists domain use cases separately, per domain', () => {
    // Act
    const ecommerce = DOMAIN_RECIPES.filter((recipe) => recipe.domain === 'ECOMMERCE');

    // Assess
    expect(ecommerce.map((recipe) => recipe.name)).toContain('aws-ecomm-recommended-for-you');
    expect(DOMAIN_RECIPES.filter((recipe) => recipe.domain === 'VIDEO_ON_DEMAND')).toHaveLength(5);
    expect(
      DOMAIN_RECIPES.every((recipe) => recipe.arn === `arn:aws:personalize:::recipe/${recipe.name}`),
    ).toBe(true);
    expect(DOMAIN_RECIPES.some((recipe) => findRecipe(recipe.name))).toBe(false);
  });
});
