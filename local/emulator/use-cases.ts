import { DOMAIN_RECIPES, type DomainRecipe, type RecipeType } from '../../core/recipes';
import type { DatasetType } from '../../core/schema-rules';

/**
 * How the emulator trains and serves each domain use case (the recipe of a recommender). Requirements
 * follow the developer guide's "ECOMMERCE use cases" and "VIDEO_ON_DEMAND use cases" pages: the event
 * type a use case needs at least 1000 of (matched case-sensitively, as Personalize does), the datasets
 * it needs, and which of `userId` / `itemId` GetRecommendations requires. Each use case is served by the
 * engine model that does the same job: item-to-item co-occurrence for "also viewed" and "bought
 * together", popularity counts for the most viewed / best sellers, trending for "trending now", and the
 * user-personalization model for "recommended for you" / "top picks".
 */

/** Interactions of the required event type a use case needs (the guide's "at minimum, 1000 ... events"). */
export const MIN_USE_CASE_EVENTS = 1000;

/** One domain use case as the emulator trains and serves it. */
export interface UseCase {
  readonly recipe: DomainRecipe;
  /** The engine recipe that trains the model. */
  readonly engineRecipe: string;
  /** How the model is served (decides whether `userId` or `itemId` drives the answer). */
  readonly recipeType: RecipeType;
  /** The event type the use case needs at least {@link MIN_USE_CASE_EVENTS} of; undefined: events of any type. */
  readonly requiredEventType?: string;
  /** Train only on this event type (undefined: on every event type). */
  readonly trainingEventType?: string;
  readonly requiredDatasets: readonly DatasetType[];
  /** GetRecommendations requirements. */
  readonly needsUserId: boolean;
  readonly needsItemId: boolean;
  /**
   * Items the user interacted with through these event types are left out of the answer (the guide:
   * "automatically filters items the user purchased" / "videos the user watched").
   */
  readonly excludeEventTypes: readonly string[];
}

type UseCaseTraits = Omit<UseCase, 'recipe'>;

const INTERACTIONS: readonly DatasetType[] = ['Interactions'];
const INTERACTIONS_AND_ITEMS: readonly DatasetType[] = ['Interactions', 'Items'];

const TRAITS: Readonly<Record<string, UseCaseTraits>> = {
  'aws-ecomm-popular-items-by-views': {
    engineRecipe: 'aws-popularity-count',
    recipeType: 'POPULAR_ITEMS',
    requiredEventType: 'View',
    trainingEventType: 'View',
    requiredDatasets: INTERACTIONS,
    needsUserId: true,
    needsItemId: false,
    excludeEventTypes: [],
  },
  'aws-ecomm-popular-items-by-purchases': {
    engineRecipe: 'aws-popularity-count',
    recipeType: 'POPULAR_ITEMS',
    requiredEventType: 'Purchase',
    trainingEventType: 'Purchase',
    requiredDatasets: INTERACTIONS,
    needsUserId: true,
    needsItemId: false,
    excludeEventTypes: [],
  },
  'aws-ecomm-frequently-bought-together': {
    engineRecipe: 'aws-sims',
    recipeType: 'RELATED_ITEMS',
    requiredEventType: 'Purchase',
    trainingEventType: 'Purchase',
    requiredDatasets: INTERACTIONS,
    needsUserId: false,
    needsItemId: true,
    excludeEventTypes: [],
  },
  'aws-ecomm-customers-who-viewed-x-also-viewed': {
    engineRecipe: 'aws-sims',
    recipeType: 'RELATED_ITEMS',
    requiredEventType: 'View',
    trainingEventType: 'View',
    requiredDatasets: INTERACTIONS,
    needsUserId: true,
    needsItemId: true,
    excludeEventTypes: ['Purchase'],
  },
  'aws-ecomm-recommended-for-you': {
    engineRecipe: 'aws-user-personalization',
    recipeType: 'USER_PERSONALIZATION',
    requiredEventType: 'View',
    requiredDatasets: INTERACTIONS,
    needsUserId: true,
    needsItemId: false,
    excludeEventTypes: ['Purchase'],
  },
  'aws-vod-because-you-watched-x': {
    engineRecipe: 'aws-sims',
    recipeType: 'RELATED_ITEMS',
    requiredEventType: 'Watch',
    trainingEventType: 'Watch',
    requiredDatasets: INTERACTIONS,
    needsUserId: true,
    needsItemId: true,
    excludeEventTypes: ['Watch'],
  },
  'aws-vod-more-like-x': {
    engineRecipe: 'aws-similar-items',
    recipeType: 'RELATED_ITEMS',
    requiredDatasets: INTERACTIONS_AND_ITEMS,
    needsUserId: true,
    needsItemId: true,
    excludeEventTypes: ['Watch'],
  },
  'aws-vod-most-popular': {
    engineRecipe: 'aws-popularity-count',
    recipeType: 'POPULAR_ITEMS',
    requiredEventType: 'Watch',
    trainingEventType: 'Watch',
    requiredDatasets: INTERACTIONS,
    needsUserId: true,
    needsItemId: false,
    excludeEventTypes: [],
  },
  'aws-vod-trending-now': {
    engineRecipe: 'aws-trending-now',
    recipeType: 'POPULAR_ITEMS',
    requiredDatasets: INTERACTIONS,
    needsUserId: false,
    needsItemId: false,
    excludeEventTypes: [],
  },
  'aws-vod-top-picks': {
    engineRecipe: 'aws-user-personalization',
    recipeType: 'USER_PERSONALIZATION',
    requiredEventType: 'Watch',
    requiredDatasets: INTERACTIONS_AND_ITEMS,
    needsUserId: true,
    needsItemId: false,
    excludeEventTypes: ['Watch'],
  },
};

/** Every domain use case the emulator serves. */
export const USE_CASES: readonly UseCase[] = Object.freeze(
  DOMAIN_RECIPES.flatMap((recipe) => {
    const traits = TRAITS[recipe.name];
    return traits ? [Object.freeze({ recipe, ...traits })] : [];
  }),
);

/** The use case of a recipe ARN (any partition), or undefined. */
export function findUseCase(recipeArn: string): UseCase | undefined {
  const canonical = recipeArn.replace(/^arn:[a-z\d-]+:/, 'arn:aws:');
  return USE_CASES.find((u) => u.recipe.arn === canonical);
}
