/**
 * The catalogue of Amazon Personalize service recipes (custom solutions) and domain use cases.
 *
 * Pure data: the pipeline validates configs against it, the local emulator serves
 * `DescribeRecipe` / `ListRecipes` from it.
 */
import type { DatasetType, Domain } from './schema-rules';

/** Recipe families, as returned in `DescribeRecipe.recipe.recipeType`. */
export type RecipeType =
  | 'USER_PERSONALIZATION'
  | 'PERSONALIZED_RANKING'
  | 'POPULAR_ITEMS'
  | 'RELATED_ITEMS'
  | 'PERSONALIZED_ACTIONS'
  | 'USER_SEGMENTATION';

/** The runtime operation that serves a campaign trained with a recipe. */
export type RuntimeApi = 'GetRecommendations' | 'GetPersonalizedRanking' | 'GetActionRecommendations';

/** Every service recipe name this project knows, current recipes first. */
export const RECIPE_NAMES = [
  'aws-user-personalization-v2',
  'aws-user-personalization',
  'aws-personalized-ranking-v2',
  'aws-personalized-ranking',
  'aws-popularity-count',
  'aws-trending-now',
  'aws-similar-items',
  'aws-sims',
  'aws-semantic-similarity',
  'aws-next-best-action',
  'aws-item-affinity',
  'aws-item-attribute-affinity',
  'aws-hrnn',
  'aws-hrnn-metadata',
  'aws-hrnn-coldstart',
] as const;

/** A service recipe name, e.g. `aws-user-personalization`. */
export type RecipeName = (typeof RECIPE_NAMES)[number];

/** One service recipe and what the pipeline may do with solutions trained on it. */
export interface Recipe {
  /** Recipe name, e.g. `aws-sims`. */
  readonly name: RecipeName;
  /** `arn:aws:personalize:::recipe/<name>`. */
  readonly arn: string;
  readonly recipeType: RecipeType;
  /** The algorithm the recipe trains with. */
  readonly algorithmArn: string;
  /** The feature transformation applied to the training data. */
  readonly featureTransformationArn: string;
  /** One-line summary, as shown by `DescribeRecipe`. */
  readonly description: string;
  /** Datasets that must exist in the dataset group before training. */
  readonly requiredDatasets: readonly DatasetType[];
  /** Datasets the recipe uses when they exist. */
  readonly optionalDatasets: readonly DatasetType[];
  /** The runtime operation that serves its campaigns; absent for batch-only recipes. */
  readonly runtimeApi?: RuntimeApi;
  /** Whether solution versions can be trained with `trainingMode: UPDATE`. */
  readonly supportsUpdateTraining: boolean;
  /** Whether batch inference jobs can use its solution versions. */
  readonly supportsBatchInference: boolean;
  /** Whether batch segment jobs can use its solution versions (USER_SEGMENTATION recipes). */
  readonly supportsBatchSegment: boolean;
  /** Whether its solution versions can be deployed to a campaign. */
  readonly supportsCampaign: boolean;
  /** Whether hyperparameter optimisation (`performHPO`) is available. */
  readonly supportsHPO: boolean;
  /** Whether campaigns and batch jobs take `itemExplorationConfig` (exploration of new items). */
  readonly supportsItemExploration: boolean;
  /** Legacy recipes are described by the service but not accepted for new solutions. */
  readonly legacy: boolean;
  /** For a legacy recipe: the recipe to use instead. */
  readonly replacedBy?: RecipeName;
}

const RECIPE_ARN_PREFIX = 'arn:aws:personalize:::recipe/';
const ALGORITHM_ARN_PREFIX = 'arn:aws:personalize:::algorithm/';
const FEATURE_TRANSFORMATION_ARN_PREFIX = 'arn:aws:personalize:::feature-transformation/';

type RecipeTraits = Omit<
  Recipe,
  'name' | 'arn' | 'algorithmArn' | 'featureTransformationArn' | 'supportsBatchSegment'
> & {
  /** Algorithm name when it differs from the recipe name. */
  readonly algorithm?: string;
  /** Feature transformation name; defaults to the recipe name. */
  readonly featureTransformation?: string;
};

/** Traits shared by the recipes that train a model served in real time. */
const REAL_TIME = {
  supportsUpdateTraining: false,
  supportsBatchInference: true,
  supportsCampaign: true,
  supportsHPO: true,
  supportsItemExploration: false,
  legacy: false,
} as const;

const CATALOGUE: Readonly<Record<RecipeName, RecipeTraits>> = {
  'aws-user-personalization-v2': {
    ...REAL_TIME,
    recipeType: 'USER_PERSONALIZATION',
    description:
      'Transformer-based recommendations for a user, scaling to 5 million items; returns the reason for each item.',
    requiredDatasets: ['Interactions'],
    optionalDatasets: ['Items', 'Users'],
    runtimeApi: 'GetRecommendations',
    featureTransformation: 'JSON-percentile-filtering',
    supportsItemExploration: true,
  },
  'aws-user-personalization': {
    ...REAL_TIME,
    recipeType: 'USER_PERSONALIZATION',
    description:
      'Recommendations for a user from their interaction history, with exploration of new items and incremental updates.',
    requiredDatasets: ['Interactions'],
    optionalDatasets: ['Items', 'Users'],
    runtimeApi: 'GetRecommendations',
    featureTransformation: 'JSON-percentile-filtering',
    supportsUpdateTraining: true,
    supportsItemExploration: true,
  },
  'aws-personalized-ranking-v2': {
    ...REAL_TIME,
    recipeType: 'PERSONALIZED_RANKING',
    description: 'Transformer-based re-ranking of a list of items for a user, scaling to 5 million items.',
    requiredDatasets: ['Interactions'],
    optionalDatasets: ['Items', 'Users'],
    runtimeApi: 'GetPersonalizedRanking',
    featureTransformation: 'JSON-percentile-filtering',
  },
  'aws-personalized-ranking': {
    ...REAL_TIME,
    recipeType: 'PERSONALIZED_RANKING',
    description: 'Re-ranks a list of items for a user by predicted interest.',
    requiredDatasets: ['Interactions'],
    optionalDatasets: ['Items', 'Users'],
    runtimeApi: 'GetPersonalizedRanking',
    featureTransformation: 'JSON-percentile-filtering',
  },
  'aws-popularity-count': {
    ...REAL_TIME,
    recipeType: 'POPULAR_ITEMS',
    description: 'The most popular items by interaction count; the usual baseline for other recipes.',
    requiredDatasets: ['Interactions'],
    optionalDatasets: [],
    runtimeApi: 'GetRecommendations',
    featureTransformation: 'sims',
    supportsHPO: false,
  },
  'aws-trending-now': {
    ...REAL_TIME,
    recipeType: 'POPULAR_ITEMS',
    description:
      'Items whose popularity is growing fastest, recomputed at the configured trend discovery frequency.',
    requiredDatasets: ['Interactions'],
    optionalDatasets: [],
    runtimeApi: 'GetRecommendations',
    algorithm: 'aws-trending-now-custom',
    supportsBatchInference: false,
  },
  'aws-similar-items': {
    ...REAL_TIME,
    recipeType: 'RELATED_ITEMS',
    description: 'Items similar to a given item, from co-occurrence in interactions and item metadata.',
    requiredDatasets: ['Interactions'],
    optionalDatasets: ['Items'],
    runtimeApi: 'GetRecommendations',
  },
  'aws-sims': {
    ...REAL_TIME,
    recipeType: 'RELATED_ITEMS',
    description:
      'Items that users who interacted with a given item also interacted with (item-to-item co-occurrence).',
    requiredDatasets: ['Interactions'],
    optionalDatasets: [],
    runtimeApi: 'GetRecommendations',
    featureTransformation: 'sims',
  },
  'aws-semantic-similarity': {
    ...REAL_TIME,
    recipeType: 'RELATED_ITEMS',
    description:
      'Items semantically similar to a given item, from text embeddings of item names and descriptions.',
    requiredDatasets: ['Items'],
    optionalDatasets: ['Interactions'],
    runtimeApi: 'GetRecommendations',
    supportsHPO: false,
  },
  'aws-next-best-action': {
    ...REAL_TIME,
    recipeType: 'PERSONALIZED_ACTIONS',
    description: 'The actions a user is most likely to take next, such as enrolling in a programme.',
    requiredDatasets: ['Actions', 'Action_Interactions'],
    optionalDatasets: ['Interactions', 'Users'],
    runtimeApi: 'GetActionRecommendations',
    supportsBatchInference: false,
    supportsHPO: false,
  },
  'aws-item-affinity': {
    ...REAL_TIME,
    recipeType: 'USER_SEGMENTATION',
    description: 'Segments of users most likely to interact with given items (batch segment jobs only).',
    requiredDatasets: ['Interactions'],
    optionalDatasets: ['Items', 'Users'],
    supportsBatchInference: false,
    supportsCampaign: false,
  },
  'aws-item-attribute-affinity': {
    ...REAL_TIME,
    recipeType: 'USER_SEGMENTATION',
    description:
      'Segments of users most likely to interact with items that have given attributes (batch only).',
    requiredDatasets: ['Interactions', 'Items'],
    optionalDatasets: ['Users'],
    supportsBatchInference: false,
    supportsCampaign: false,
  },
  'aws-hrnn': {
    ...REAL_TIME,
    recipeType: 'USER_PERSONALIZATION',
    description: 'Legacy hierarchical recurrent neural network recommendations for a user.',
    requiredDatasets: ['Interactions'],
    optionalDatasets: [],
    runtimeApi: 'GetRecommendations',
    featureTransformation: 'JSON-percentile-filtering',
    legacy: true,
    replacedBy: 'aws-user-personalization',
  },
  'aws-hrnn-metadata': {
    ...REAL_TIME,
    recipeType: 'USER_PERSONALIZATION',
    description: 'Legacy HRNN recommendations for a user that also use item and user metadata.',
    requiredDatasets: ['Interactions'],
    optionalDatasets: ['Items', 'Users'],
    runtimeApi: 'GetRecommendations',
    featureTransformation: 'featurize_metadata',
    legacy: true,
    replacedBy: 'aws-user-personalization',
  },
  'aws-hrnn-coldstart': {
    ...REAL_TIME,
    recipeType: 'USER_PERSONALIZATION',
    description: 'Legacy HRNN recommendations for a user that explore new (cold) items.',
    requiredDatasets: ['Interactions', 'Items'],
    optionalDatasets: ['Users'],
    runtimeApi: 'GetRecommendations',
    featureTransformation: 'featurize_coldstart',
    supportsUpdateTraining: true,
    legacy: true,
    replacedBy: 'aws-user-personalization',
  },
};

function buildRecipe(name: RecipeName): Recipe {
  const { algorithm, featureTransformation, ...traits } = CATALOGUE[name];
  return Object.freeze({
    name,
    arn: `${RECIPE_ARN_PREFIX}${name}`,
    algorithmArn: `${ALGORITHM_ARN_PREFIX}${algorithm ?? name}`,
    featureTransformationArn: `${FEATURE_TRANSFORMATION_ARN_PREFIX}${featureTransformation ?? name}`,
    supportsBatchSegment: traits.recipeType === 'USER_SEGMENTATION',
    ...traits,
  });
}

/** Every service recipe, in {@link RECIPE_NAMES} order. */
export const RECIPES: readonly Recipe[] = Object.freeze(RECIPE_NAMES.map(buildRecipe));

/** Names of the recipes accepted for new solutions (every recipe that is not legacy). */
export const CURRENT_RECIPE_NAMES: readonly RecipeName[] = Object.freeze(
  RECIPES.filter((recipe) => !recipe.legacy).map((recipe) => recipe.name),
);

const RECIPE_ARN_PATTERN = /^arn:[a-z\d-]+:personalize:::recipe\/(.+)$/;

/**
 * Finds a service recipe by name (`aws-sims`) or ARN (`arn:aws:personalize:::recipe/aws-sims`,
 * any partition). Returns `undefined` for anything else.
 */
export function findRecipe(nameOrArn: string): Recipe | undefined {
  const name = RECIPE_ARN_PATTERN.exec(nameOrArn)?.[1] ?? nameOrArn;
  return RECIPES.find((recipe) => recipe.name === name);
}

/** Whether `name` is a known service recipe name. */
export function isRecipeName(name: string): name is RecipeName {
  return (RECIPE_NAMES as readonly string[]).includes(name);
}

/** A domain use case: the recipe of a recommender in a domain dataset group. */
export interface DomainRecipe {
  readonly name: string;
  /** `arn:aws:personalize:::recipe/<name>`. */
  readonly arn: string;
  readonly domain: Domain;
  readonly description: string;
  /** What its recommendations are, as for a custom recipe: for a user, related to an item, or popular. */
  readonly recipeType: RecipeType;
}

function domainRecipe(
  name: string,
  domain: Domain,
  description: string,
  recipeType: RecipeType = DOMAIN_RECIPE_TYPES[name] ?? 'USER_PERSONALIZATION',
): DomainRecipe {
  return Object.freeze({ name, arn: `${RECIPE_ARN_PREFIX}${name}`, domain, description, recipeType });
}

/** The kind of answer of each use case (those not listed recommend items for a user). */
const DOMAIN_RECIPE_TYPES: Readonly<Record<string, RecipeType>> = {
  'aws-ecomm-customers-who-viewed-x-also-viewed': 'RELATED_ITEMS',
  'aws-ecomm-frequently-bought-together': 'RELATED_ITEMS',
  'aws-ecomm-popular-items-by-purchases': 'POPULAR_ITEMS',
  'aws-ecomm-popular-items-by-views': 'POPULAR_ITEMS',
  'aws-vod-because-you-watched-x': 'RELATED_ITEMS',
  'aws-vod-more-like-x': 'RELATED_ITEMS',
  'aws-vod-most-popular': 'POPULAR_ITEMS',
  'aws-vod-trending-now': 'POPULAR_ITEMS',
};

/** The domain use case of a recipe name or ARN, if it is one. */
export function findDomainRecipe(nameOrArn: string): DomainRecipe | undefined {
  const name = nameOrArn.startsWith(RECIPE_ARN_PREFIX)
    ? nameOrArn.slice(RECIPE_ARN_PREFIX.length)
    : nameOrArn;
  return DOMAIN_RECIPES.find((recipe) => recipe.name === name);
}

/** The use cases `ListRecipes(domain)` returns for each domain. */
export const DOMAIN_RECIPES: readonly DomainRecipe[] = Object.freeze([
  domainRecipe(
    'aws-ecomm-customers-who-viewed-x-also-viewed',
    'ECOMMERCE',
    'Items that customers who viewed an item also viewed.',
  ),
  domainRecipe(
    'aws-ecomm-frequently-bought-together',
    'ECOMMERCE',
    'Items frequently bought together with an item.',
  ),
  domainRecipe('aws-ecomm-popular-items-by-purchases', 'ECOMMERCE', 'The most purchased items.'),
  domainRecipe('aws-ecomm-popular-items-by-views', 'ECOMMERCE', 'The most viewed items.'),
  domainRecipe('aws-ecomm-recommended-for-you', 'ECOMMERCE', 'Items recommended for a user.'),
  domainRecipe(
    'aws-vod-because-you-watched-x',
    'VIDEO_ON_DEMAND',
    'Videos similar to a video a user watched.',
  ),
  domainRecipe('aws-vod-more-like-x', 'VIDEO_ON_DEMAND', 'Videos similar to a given video.'),
  domainRecipe('aws-vod-most-popular', 'VIDEO_ON_DEMAND', 'The most watched videos.'),
  domainRecipe('aws-vod-trending-now', 'VIDEO_ON_DEMAND', 'Videos whose popularity is growing fastest.'),
  domainRecipe('aws-vod-top-picks', 'VIDEO_ON_DEMAND', 'Videos recommended for a user.'),
]);
