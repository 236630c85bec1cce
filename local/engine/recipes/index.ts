/**
 * The recipe registry: which recipes the engine trains and how models are restored.
 */
import { prepareData } from '../dataset';
import { EngineError } from '../errors';
import { EngineModel, MODEL_FORMAT } from '../model';
import type { SerializedModel } from '../model';
import type { Model, TrainingData, TrainOptions } from '../types';
import { NeighbourhoodModel } from './neighbourhood';
import type { NeighbourhoodFamily } from './personalization';
import { trainNeighbourhood } from './personalization';
import { trainPopularityCount, trainTrendingNow } from './popularity';
import { RankedListModel } from './ranked-list';
import { SegmentModel, trainSegments } from './segments';

const NEIGHBOURHOOD_RECIPES: Record<string, NeighbourhoodFamily> = {
  'aws-sims': 'sims',
  'aws-similar-items': 'similar-items',
  'aws-user-personalization': 'user-personalization',
  'aws-user-personalization-v2': 'user-personalization',
  'aws-personalized-ranking': 'personalized-ranking',
  'aws-personalized-ranking-v2': 'personalized-ranking',
};

/**
 * Legacy HRNN recipes train the user-personalization model (the catalogue's `replacedBy`), keeping
 * their own recipe name on the model.
 */
const LEGACY_RECIPES: Record<string, string> = {
  'aws-hrnn': 'aws-user-personalization',
  'aws-hrnn-metadata': 'aws-user-personalization',
  'aws-hrnn-coldstart': 'aws-user-personalization',
};

/** USER_SEGMENTATION recipes (batch segment jobs): see `segments.ts`. */
const SEGMENT_RECIPES: readonly string[] = ['aws-item-affinity', 'aws-item-attribute-affinity'];

/** Recipe names (not ARNs) the local engine can train. */
export const SUPPORTED_RECIPES: readonly string[] = Object.freeze([
  'aws-popularity-count',
  'aws-trending-now',
  ...Object.keys(NEIGHBOURHOOD_RECIPES),
  ...SEGMENT_RECIPES,
  ...Object.keys(LEGACY_RECIPES),
]);

/** Accepts a recipe name or a recipe ARN (`arn:aws:personalize:::recipe/aws-sims`). */
export function recipeName(recipe: string): string {
  const slash = recipe.lastIndexOf('/');
  return recipe.startsWith('arn:') && slash >= 0 ? recipe.slice(slash + 1) : recipe;
}

/**
 * Trains a model for `options.recipe`.
 * @throws EngineError for an unsupported recipe, bad hyperparameters or no usable interactions.
 */
export function train(data: TrainingData, options: TrainOptions): Model {
  const recipe = recipeName(options.recipe);
  if (!SUPPORTED_RECIPES.includes(recipe)) {
    throw new EngineError(
      `Recipe ${recipe} is not supported by the local engine; supported: ${SUPPORTED_RECIPES.join(', ')}.`,
    );
  }
  const prepared = prepareData(data, options);
  if (recipe === 'aws-popularity-count') return new RankedListModel(recipe, trainPopularityCount(prepared));
  if (recipe === 'aws-trending-now') return new RankedListModel(recipe, trainTrendingNow(prepared, options));
  if (SEGMENT_RECIPES.includes(recipe)) return new SegmentModel(recipe, trainSegments(prepared));
  const trainsAs = LEGACY_RECIPES[recipe] ?? recipe;
  const family = NEIGHBOURHOOD_RECIPES[trainsAs] as NeighbourhoodFamily;
  return new NeighbourhoodModel(
    recipe,
    trainNeighbourhood(prepared, { ...options, recipe: trainsAs }, family),
  );
}

/** The JSON-safe form of a model trained by this engine. */
export function serializeModel(model: Model): SerializedModel {
  if (!(model instanceof EngineModel)) {
    throw new EngineError('Only models returned by train() or deserializeModel() can be serialized.');
  }
  return model.serialize();
}

/** Restores a model from `serializeModel` output (also after a JSON round trip). */
export function deserializeModel(serialized: SerializedModel): Model {
  if (serialized === null || typeof serialized !== 'object' || serialized.format !== MODEL_FORMAT) {
    throw new EngineError(`Not a serialized local engine model (expected format ${MODEL_FORMAT}).`);
  }
  switch (serialized.kind) {
    case 'ranked-list':
      return new RankedListModel(serialized.recipe, serialized.state);
    case 'neighbourhood':
      return new NeighbourhoodModel(serialized.recipe, serialized.state);
    case 'segments':
      return new SegmentModel(serialized.recipe, serialized.state);
    default:
      throw new EngineError(
        `Unknown serialized model kind ${JSON.stringify((serialized as { kind?: unknown }).kind)}.`,
      );
  }
}
