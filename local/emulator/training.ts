import { checkMinimumData } from '../../core/dataset-rules';
import { findRecipe } from '../../core/recipes';
import {
  EngineError,
  evaluate,
  serializeModel,
  train,
  type Interaction,
  type TrainingData,
  type TrainOptions,
} from '../engine';
import type { EmulatorContext } from './context';
import { storedDatasetType, type SolutionVersionDoc } from './documents';
import type { WorkOutcome } from './lifecycle';
import { toInteraction, toItemRecord, toUserRecord } from './records';
import { groupDatasets } from './resources';
import type { ResourceOf } from './store';

/**
 * Solution version training: gathers the dataset group's data, checks Personalize's minimum-data
 * rules, trains the engine model and computes the offline metrics. The serialized model and metrics
 * are stored in the transaction that marks the version ACTIVE. Training runs on the event loop: the
 * engine trains ~60k interactions in well under a second.
 */

/** Loads the training data of a dataset group from the store. */
function loadTrainingData(ctx: EmulatorContext, groupArn: string): { data: TrainingData; watermark: number } {
  const datasets = groupDatasets(ctx, groupArn);
  const interactionsDataset = datasets.get('INTERACTIONS');
  const itemsDataset = datasets.get('ITEMS');
  const usersDataset = datasets.get('USERS');
  const data: TrainingData = {
    interactions: interactionsDataset
      ? ctx.store.interactions(interactionsDataset.arn).map(toInteraction)
      : [],
    items: itemsDataset ? ctx.store.entities(itemsDataset.arn).map(toItemRecord) : [],
    users: usersDataset ? ctx.store.entities(usersDataset.arn).map(toUserRecord) : [],
  };
  return {
    data,
    watermark: interactionsDataset ? ctx.store.interactionWatermark(interactionsDataset.arn) : 0,
  };
}

/** The engine's train options for a solution version. */
function trainOptionsFor(version: SolutionVersionDoc): TrainOptions {
  const config = version.solutionConfig ?? {};
  return {
    recipe: findRecipe(version.recipeArn)?.name ?? version.recipeArn,
    ...(config.algorithmHyperParameters ? { hyperParameters: { ...config.algorithmHyperParameters } } : {}),
    ...(config.featureTransformationParameters
      ? { featureTransformationParameters: { ...config.featureTransformationParameters } }
      : {}),
    ...(version.eventType ? { eventType: version.eventType } : {}),
    ...(config.eventValueThreshold !== undefined
      ? { eventValueThreshold: Number(config.eventValueThreshold) }
      : {}),
  };
}

function selectForTraining(interactions: readonly Interaction[], options: TrainOptions): Interaction[] {
  return interactions.filter(
    (i) =>
      (options.eventType === undefined || i.eventType === options.eventType) &&
      (options.eventValueThreshold === undefined ||
        (i.eventValue ?? Number.NEGATIVE_INFINITY) >= options.eventValueThreshold),
  );
}

/** Trains a solution version (the lifecycle's work for `solutionVersion`). */
export async function runTraining(
  ctx: EmulatorContext,
  version: ResourceOf<'solutionVersion'>,
): Promise<WorkOutcome> {
  const groupArn = version.doc.datasetGroupArn;
  const recipe = findRecipe(version.doc.recipeArn);
  const datasets = groupDatasets(ctx, groupArn);
  for (const required of recipe?.requiredDatasets ?? ['Interactions']) {
    const dataset = datasets.get(storedDatasetType(required));
    if (!dataset || dataset.status !== 'ACTIVE') {
      return {
        ok: false,
        reason: `Create failed. Dataset group ${groupArn} has no ACTIVE ${required} dataset, which recipe ${recipe?.name ?? ''} requires.`,
      };
    }
  }
  const started = Date.now();
  const { data, watermark } = loadTrainingData(ctx, groupArn);
  const options = trainOptionsFor(version.doc);
  const selected = selectForTraining(data.interactions, options);
  const shortfall = checkMinimumData(selected);
  if (shortfall) {
    const filtered = options.eventType ? ` (after filtering by event type ${options.eventType})` : '';
    return { ok: false, reason: `Create failed. ${shortfall.replace(/\.$/, '')}${filtered}.` };
  }
  await new Promise((r) => setImmediate(r));
  try {
    const model = train(data, options);
    await new Promise((r) => setImmediate(r));
    const metrics = evaluate(data, options);
    const serialized = JSON.stringify(serializeModel(model));
    const trainingHours = (Date.now() - started) / 3_600_000;
    return {
      ok: true,
      commit: () => {
        ctx.store.putModel(version.arn, serialized, metrics);
        ctx.models.put(version.arn, model);
        ctx.store.updateResource(version, {
          doc: { ...version.doc, trainingHours, _interactionWatermark: watermark },
        });
      },
    };
  } catch (error) {
    if (error instanceof EngineError) return { ok: false, reason: `Create failed. ${error.message}` };
    throw error;
  }
}
