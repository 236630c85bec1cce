import { DOMAIN_RECIPES, RECIPES, findRecipe, type Recipe } from '../../../core/recipes';
import type { HandlerTable } from '../context';
import { ResourceNotFoundException } from '../errors';
import { listingOf, paginate } from '../validation';
import { DOMAINS } from './schemas';

/** Recipes are service-owned: they all report this fixed creation time (2019-06-10, the SIMS launch era). */
const CATALOGUE_TIME = 1560124800;

function describe(recipe: Recipe): Record<string, unknown> {
  return {
    name: recipe.name,
    recipeArn: recipe.arn,
    algorithmArn: recipe.algorithmArn,
    featureTransformationArn: recipe.featureTransformationArn,
    status: 'ACTIVE',
    description: recipe.description,
    recipeType: recipe.recipeType,
    creationDateTime: CATALOGUE_TIME,
    lastUpdatedDateTime: CATALOGUE_TIME,
  };
}

/** DescribeRecipe, ListRecipes, DescribeAlgorithm, DescribeFeatureTransformation. */
export const recipeOperations: HandlerTable = {
  DescribeRecipe(_ctx, input) {
    const arn = input.arn('recipeArn');
    const canonical = arn.replace(/^arn:[a-z\d-]+:/, 'arn:aws:');
    const recipe = findRecipe(arn);
    if (recipe && recipe.arn === canonical) return { recipe: describe(recipe) };
    const useCase = DOMAIN_RECIPES.find((r) => r.arn === canonical);
    if (!useCase) throw new ResourceNotFoundException(`Recipe ${arn} does not exist.`);
    return {
      recipe: {
        name: useCase.name,
        recipeArn: useCase.arn,
        status: 'ACTIVE',
        description: useCase.description,
        creationDateTime: CATALOGUE_TIME,
        lastUpdatedDateTime: CATALOGUE_TIME,
      },
    };
  },

  ListRecipes(_ctx, input) {
    input.optionalEnum('recipeProvider', ['SERVICE']);
    const domain = input.optionalEnum('domain', DOMAINS);
    const summaries: Record<string, unknown>[] = domain
      ? DOMAIN_RECIPES.filter((r) => r.domain === domain).map((r) => ({
          name: r.name,
          recipeArn: r.arn,
          domain: r.domain,
        }))
      : RECIPES.map((r) => ({ name: r.name, recipeArn: r.arn }));
    const listing = listingOf('recipes', [domain]);
    const { page, nextToken } = paginate(summaries, input.offset(listing), input.maxResults(), listing);
    return {
      recipes: page.map((r) => ({
        ...r,
        status: 'ACTIVE',
        creationDateTime: CATALOGUE_TIME,
        lastUpdatedDateTime: CATALOGUE_TIME,
      })),
      ...(nextToken ? { nextToken } : {}),
    };
  },

  DescribeAlgorithm(_ctx, input) {
    const arn = input.arn('algorithmArn');
    const recipe = RECIPES.find((r) => r.algorithmArn === arn);
    if (!recipe) throw new ResourceNotFoundException(`Algorithm ${arn} does not exist.`);
    return {
      algorithm: {
        name: recipe.name,
        algorithmArn: recipe.algorithmArn,
        algorithmImage: { name: recipe.name, dockerURI: `local-engine/${recipe.name}` },
        defaultHyperParameters: {},
        defaultResourceConfig: {},
        trainingInputMode: 'File',
        creationDateTime: CATALOGUE_TIME,
        lastUpdatedDateTime: CATALOGUE_TIME,
      },
    };
  },

  DescribeFeatureTransformation(_ctx, input) {
    const arn = input.arn('featureTransformationArn');
    const recipe = RECIPES.find((r) => r.featureTransformationArn === arn);
    if (!recipe) throw new ResourceNotFoundException(`Feature transformation ${arn} does not exist.`);
    return {
      featureTransformation: {
        name: arn.slice(arn.lastIndexOf('/') + 1),
        featureTransformationArn: arn,
        defaultParameters: {},
        status: 'ACTIVE',
        creationDateTime: CATALOGUE_TIME,
        lastUpdatedDateTime: CATALOGUE_TIME,
      },
    };
  },
};
